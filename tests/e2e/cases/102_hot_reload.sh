#!/bin/bash
# 102: hot reload.  Call A runs reload_probe version one (3.3 s prompt);
# while it is live the script is rewritten (version two, a 1 s prompt) and
# SIGHUP sent: call B runs version two and gets the short prompt, call A
# finishes on version one with the long one.  Then version three has a
# syntax error: SIGHUP logs the failure and calls still run version two.
# A script added is registered, one whose file is gone is unregistered
# (404), and /metrics counts the reloads.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops.sh"
e2e_init
ops_init
sox -n -r 8000 -c 1 -b 16 "$CASE_DIR/etc/short.wav" synth 1 sine 440 2>/dev/null ||
	e2e_fail "sox could not make the short prompt"
cp "$E2E_PREFIX/lib/sems/audio/welcome.wav" "$CASE_DIR/etc/welcome.wav"
e2e_add_script_as reload_probe reload_probe "audio_dir=$CASE_DIR/etc"
e2e_add_script_as reload_probe doomed "audio_dir=$CASE_DIR/etc"
e2e_write_config http_listen=127.0.0.1:$E2E_HTTP_PORT
e2e_start_server reload_probe doomed
long=$(e2e_wav_seconds "$CASE_DIR/etc/welcome.wav")

printf 'SEQUENTIAL\n%s;\n' "$E2E_SINK_PORT" > "$CASE_DIR/a.csv"
printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 2))" > "$CASE_DIR/b.csv"
printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 4))" > "$CASE_DIR/c.csv"
e2e_sink_start sinks "$E2E_SINK_PORT" 3
e2e_sipp a uac_announce.xml reload_probe &
a_pid=$!
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
ops_wait_calls 1 reload_probe
sed -i 's/^VERSION = .*/VERSION = "two"/; s/^PROMPT = .*/PROMPT = "short.wav"/' "$CASE_DIR/scripts/reload_probe.py"
kill -HUP "$SEMS_PID"
for ((i = 0; i < 50; i++)); do grep -q 'reload done' "$CASE_DIR/sems.log" && break; sleep 0.1; done
e2e_log_has 'reload done: 2 scripts loaded, 0 failed' "the first reload's summary"
e2e_log_has 'Application script reloaded: reload_probe\.' "reload_probe reloaded"
e2e_sipp b uac_announce.xml reload_probe
e2e_expect_rc b 0 "call B (after the reload)"
wait "$a_pid"
e2e_expect_rc a 0 "call A (live across the reload)"
e2e_server_alive
a_id=$(sed -nE 's/.*reload_probe: (.*) start one.*/\1/p' "$CASE_DIR/sems.log" | head -1)
b_id=$(sed -nE 's/.*reload_probe: (.*) start two.*/\1/p' "$CASE_DIR/sems.log" | head -1)
[ -n "$a_id" ] && [ -n "$b_id" ] || e2e_fail "no start of version one ('$a_id') and two ('$b_id')"
e2e_log_has "reload_probe: $a_id end one" "call A ending on version one"
e2e_log_has "reload_probe: $b_id end two" "call B ending on version two"
grep -q "reload_probe: $a_id end two" "$CASE_DIR/sems.log" && e2e_fail "call A ran version two's code"

# version three does not compile: the reload keeps version two
echo 'def broken(:' >> "$CASE_DIR/scripts/reload_probe.py"
rm "$CASE_DIR/scripts/doomed.py"
e2e_add_script_as reload_probe added "audio_dir=$CASE_DIR/etc"
sed -i 's/^VERSION = .*/VERSION = "added"/; s/^PROMPT = .*/PROMPT = "short.wav"/' "$CASE_DIR/scripts/added.py"
kill -HUP "$SEMS_PID"
for ((i = 0; i < 50; i++)); do [ "$(grep -c 'reload done' "$CASE_DIR/sems.log")" -ge 2 ] && break; sleep 0.1; done
e2e_log_has 'reload done: 1 scripts loaded, 1 failed \(previous version kept\), 1 removed' "the second reload's summary"
e2e_log_near 'cannot load script .*reload_probe.py' 'SyntaxError' "the syntax error of version three"
e2e_log_has "reload: script 'reload_probe' failed: its calls keep running the version loaded before" "the kept-version notice"
e2e_log_has 'Application script unregistered: doomed' "doomed unregistered"
e2e_sipp c uac_announce.xml reload_probe
e2e_expect_rc c 0 "call C (after the failed reload)"
c_id=$(sed -nE 's/.*reload_probe: (.*) start two.*/\1/p' "$CASE_DIR/sems.log" | sed -n 2p)
[ -n "$c_id" ] || e2e_fail "call C did not run version two"
e2e_sipp gone uac_expect_404.xml doomed
e2e_expect_rc gone 0 "a call to the removed script (404)"
e2e_sink_stop sinks
e2e_check sinks "abs(ports[0]['duration'] - $long) <= 1.0 or 'call A RTP %.1f s, want the long prompt ($long s)' % ports[0]['duration']"
e2e_check sinks "abs(ports[1]['duration'] - 1.0) <= 0.6 or 'call B RTP %.1f s, want the 1 s prompt' % ports[1]['duration']"
e2e_check sinks "abs(ports[2]['duration'] - 1.0) <= 0.6 or 'call C RTP %.1f s, want the 1 s prompt' % ports[2]['duration']"
e2e_sink_start sink2 "$((E2E_SINK_PORT + 6))"
printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 6))" > "$CASE_DIR/d.csv"
e2e_sipp d uac_announce.xml added
e2e_sink_stop sink2
e2e_expect_rc d 0 "a call to the added script"
e2e_log_has 'reload_probe: .* end added' "the added script's code"
ops_metrics "m('sems_script_reloads') == 2 and m('sems_calls', application='reload_probe') == 3"
e2e_stop_server
e2e_pass
