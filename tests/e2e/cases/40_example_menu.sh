#!/bin/bash
# 40: the menu example (scripts/menu.py, spoken prompts), keys by SIP INFO
# (application/dtmf-relay), media to RTP sinks that echo silence:
#  - key 2 during the menu: "menu: choice 2 (support)", the menu is cut short
#    (barge-in) and the confirmation follows: 3.5-7 s of speech, then the
#    server's BYE;
#  - key 7, then nothing (timeout=2 in the case's menu.conf), then 1:
#    "invalid key 7", "timeout", "choice 1 (sales)" in that order, over 14 s
#    or more of speech (sorry + menu, did-not-get + part of the menu, sales),
#    then BYE;
#  - keys 3, 9, #, 0 (max_tries=3): "repeat" (does not count as a failure),
#    three "invalid key" lines, "giving up", BYE.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script menu
[ -f "$CASE_DIR/etc/menu.conf" ] || e2e_fail "the installed menu.conf is missing ($E2E_PREFIX/etc/sems/etc/menu.conf)"
printf 'timeout=2\nmax_tries=3\n' > "$CASE_DIR/etc/menu.conf"
e2e_write_config
e2e_start_server menu

# The log lines of menu.py, in order (without the "call from" ones).
menu_lines() { sed -nE 's/.*(menu: (choice|invalid|timeout|giving|repeat).*)$/\1/p' "$CASE_DIR/sems.log" | tr -d '\r'; }

# 1: key 2 after 2 s (the menu is 6 s long).
e2e_scenario k2 pause:2000 relay:2 wait-bye:15000
e2e_sink_start sink1 "$E2E_SINK_PORT" 1 --echo
e2e_sipp call1 "$CASE_DIR/k2.xml" menu
e2e_sink_stop sink1
e2e_expect_rc call1 0 "call pressing 2 (INVITE/200/ACK/INFO/server BYE)"
got=$(menu_lines)
[ "$got" = "menu: choice 2 (support)" ] || e2e_fail "call 1 (key 2): menu log lines [$(echo $got)], want [menu: choice 2 (support)]"
e2e_check sink1 "P['packets'] > 0 or 'call 1: no RTP received'"
e2e_check sink1 "P['rms'] > 300 or 'call 1: received audio RMS %.0f: silence, not speech' % P['rms']"
e2e_check sink1 "P['loud_first'] is not None and 3.5 <= P['loud_last'] - P['loud_first'] <= 7 or 'call 1: speech for %s s, want 3.5-7 (part of the menu + the confirmation)' % (P['loud_first'] and round(P['loud_last'] - P['loud_first'], 2))"
e2e_check sink1 "P['duration'] < 8 or 'call 1 lasted %.1f s: the key did not cut the menu short' % P['duration']"

# 2: key 7 at 1.5 s; sorry (2.7 s) + menu (6 s) end at ~10.3 s, timeout at
# ~12.3 s; did-not-get (1.8 s) + menu until ~20 s: key 1 at ~15.8 s.
e2e_scenario kto pause:1500 relay:7 pause:14000 relay:1 wait-bye:15000
printf 'SEQUENTIAL\n%s;\n' $((E2E_SINK_PORT + 2)) > "$CASE_DIR/call2.csv"
e2e_sink_start sink2 $((E2E_SINK_PORT + 2)) 1 --echo
e2e_sipp call2 "$CASE_DIR/kto.xml" menu
e2e_sink_stop sink2
e2e_expect_rc call2 0 "call pressing 7, waiting, pressing 1"
got=$(menu_lines | tail -n +2)
want="menu: invalid key 7
menu: timeout
menu: choice 1 (sales)"
[ "$got" = "$want" ] || e2e_fail "call 2 (7, timeout, 1): menu log lines [$(echo $got)], want [$(echo $want)]"
e2e_check sink2 "P['rms'] > 300 or 'call 2: received audio RMS %.0f: silence, not speech' % P['rms']"
e2e_check sink2 "P['loud_first'] is not None and P['loud_last'] - P['loud_first'] >= 14 or 'call 2: speech for %s s, want >= 14' % (P['loud_first'] and round(P['loud_last'] - P['loud_first'], 2))"

# 3: repeat, then three invalid keys in a row (each one cuts the prompt): goodbye.
e2e_scenario kbad pause:1000 relay:3 pause:1000 relay:9 pause:1000 relay:# pause:1000 relay:0 wait-bye:15000
printf 'SEQUENTIAL\n%s;\n' $((E2E_SINK_PORT + 4)) > "$CASE_DIR/call3.csv"
e2e_sink_start sink3 $((E2E_SINK_PORT + 4)) 1 --echo
e2e_sipp call3 "$CASE_DIR/kbad.xml" menu
e2e_sink_stop sink3
e2e_expect_rc call3 0 "call pressing 3, 9, #, 0"
got=$(menu_lines | tail -n +5)
want="menu: repeat
menu: invalid key 9
menu: invalid key #
menu: invalid key 0
menu: giving up"
[ "$got" = "$want" ] || e2e_fail "call 3 (3, 9, #, 0): menu log lines [$(echo $got)], want [$(echo $want)]"
e2e_check sink3 "P['rms'] > 300 or 'call 3: received audio RMS %.0f' % P['rms']"

e2e_log_has 'Application script registered: menu\.'
grep -qE '(ERROR|Traceback)' "$CASE_DIR/sems.log" && e2e_fail "server log has errors: $(grep -m2 -E '(ERROR|Traceback)' "$CASE_DIR/sems.log" | cut -c1-200)"
e2e_stop_server
e2e_pass
