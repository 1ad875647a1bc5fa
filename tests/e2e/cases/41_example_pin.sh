#!/bin/bash
# 41: the PIN example (scripts/pin.py) with pin=2468, timeout=2 in the case's
# pin.conf:
#  - 1111# by SIP INFO, then (after "Wrong PIN") 2468# as RFC 4733 events
#    (sip-tester pcaps): "pin: wrong (entered 1111)" then "pin: accepted",
#    then the server's BYE;
#  - 12# then 2468 (no #: the 4th digit ends the entry), by INFO, media to an
#    RTP sink: "pin: wrong (entered 12)", "pin: accepted", and 2.5-4.5 s of
#    speech after the last key ("PIN accepted. You entered 2 4 6 8."), BYE;
#  - no key at all: "pin: timeout" (2 s after the request), the caller hangs up.
. "$(dirname "$0")/../lib.sh"
e2e_init
pcaps=/usr/share/sip-tester
[ -f "$pcaps/dtmf_2833_2.pcap" ] || e2e_fail "no $pcaps/dtmf_2833_2.pcap (package sip-tester)"
e2e_add_script pin
[ -f "$CASE_DIR/etc/pin.conf" ] || e2e_fail "the installed pin.conf is missing ($E2E_PREFIX/etc/sems/etc/pin.conf)"
printf 'pin=2468\npin_length=4\ntimeout=2\nmax_tries=3\n' > "$CASE_DIR/etc/pin.conf"
e2e_write_config
e2e_start_server pin

pin_lines() { sed -nE 's/.*(pin: (accepted|wrong|timeout|giving).*)$/\1/p' "$CASE_DIR/sems.log" | tr -d '\r'; }

# 1: the request is 3.6 s long; 1111# from 1 s (the 4th 1 ends the entry,
# "Wrong PIN" takes 2.2 s, then the request again); 2468# from 6 s.
steps=(pause:1000)
for k in 1 1 1 1 '#'; do steps+=("relay:$k" pause:500); done
steps+=(pause:2500)
for k in 2 4 6 8 pound; do steps+=("pcap:$pcaps/dtmf_2833_$k.pcap" pause:600); done
e2e_scenario two --media sipp --codecs "0 101" "${steps[@]}" wait-bye:15000
e2e_sipp call1 "$CASE_DIR/two.xml" pin -mi 127.0.0.1 -mp "$E2E_SIPP_MEDIA_PORT"
e2e_expect_rc call1 0 "call entering 1111# (INFO) then 2468# (RFC 4733)"
got=$(pin_lines)
want="pin: wrong (entered 1111)
pin: accepted"
[ "$got" = "$want" ] || e2e_fail "call 1 (1111#, 2468#): pin log lines [$(echo $got)], want [$(echo $want)]"

# 2: 12# at 1 s, 2468 from 6 s; the read-back follows the last key.
e2e_scenario short pause:1000 relay:1 pause:500 relay:2 pause:500 'relay:#' pause:4000 \
	relay:2 pause:400 relay:4 pause:400 relay:6 pause:400 relay:8 mark:last wait-bye:15000
e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp call2 "$CASE_DIR/short.xml" pin
e2e_sink_stop sink
e2e_expect_rc call2 0 "call entering 12# then 2468 (INFO)"
got=$(pin_lines | tail -n +3)
want="pin: wrong (entered 12)
pin: accepted"
[ "$got" = "$want" ] || e2e_fail "call 2 (12#, 2468): pin log lines [$(echo $got)], want [$(echo $want)]"
last=$(e2e_sipp_mark call2 last)
[ -n "$last" ] || e2e_fail "call 2: no mark in call2.actions.log"
e2e_check sink "P['rms'] > 300 or 'call 2: received audio RMS %.0f: silence, not speech' % P['rms']"
e2e_check sink "P['loud_last'] and 2.5 <= P['loud_last'] - $last <= 4.5 or 'call 2: speech went on %s s after the last key, want 2.5-4.5 (PIN accepted + read-back)' % (P['loud_last'] and round(P['loud_last'] - $last, 2))"

# 3: silence; the request (3.6 s) + 2 s -> timeout; the caller hangs up at 7 s.
e2e_scenario none --media sipp --codecs "0 101" pause:7000 bye
e2e_sipp call3 "$CASE_DIR/none.xml" pin -mi 127.0.0.1 -mp "$E2E_SIPP_MEDIA_PORT"
e2e_expect_rc call3 0 "call pressing nothing"
got=$(pin_lines | tail -n +5)
[ "$got" = "pin: timeout" ] || e2e_fail "call 3 (no key): pin log lines [$(echo $got)], want [pin: timeout]"

grep -qE '(ERROR|Traceback)' "$CASE_DIR/sems.log" && e2e_fail "server log has errors: $(grep -m2 -E '(ERROR|Traceback)' "$CASE_DIR/sems.log" | cut -c1-200)"
e2e_stop_server
e2e_pass
