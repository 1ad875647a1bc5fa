#!/bin/bash
# 99: Kamailio's RPC socket gone and back.  A call through Kamailio works;
# five calls through it are up when Kamailio is stopped (by PID): their
# scripts' BYEs cannot be sent (tm's RPC socket is gone), which the server
# logs once ("cannot send evrexec.run to Kamailio at ...: ... (Kamailio
# down? further failures are counted)"), not once per request, and the
# sessions' own "call ...: cannot send BYE" line comes once, not once per
# call (then once per 10 s with the count); every one of
# the five sessions ends (their RTP stops, none is left), the server stays
# up; Kamailio is started again: the next call through it works end to end
# and the server logs that Kamailio is reachable again with the count.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
e2e_init
kam_init
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "could not write prompt.wav"
e2e_add_script_as fault_probe short "out=$CASE_DIR/short.jsonl" mode=hold "prompt=$CASE_DIR/prompt.wav" hold_s=1
e2e_add_script_as fault_probe hold "out=$CASE_DIR/hold.jsonl" mode=hold "prompt=$CASE_DIR/prompt.wav" hold_s=3
kam_write_config
e2e_start_server short hold
kam_start

e2e_scenario call wait-bye:6000
e2e_sipp before "$CASE_DIR/call.xml" short
e2e_expect_rc before 0 "a call through Kamailio before it is stopped"

e2e_sink_start sink "$E2E_SINK_PORT" 1
e2e_scenario held wait-bye:5000
E2E_SIPP_TIMEOUT=8 e2e_sipp held "$CASE_DIR/held.xml" hold -m 5 -l 5 -r 20 &
bg=$!
e2e_track $bg
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
e2e_wait_log "running application 'hold'" 5 || e2e_fail "the five calls through Kamailio did not start within 4 s"
sleep 1                                    # answered; BYEs due 3 s after the start
kill_t=$(date +%s.%N)
kam_pid_was=$KAM_PID
kam_stop
e2e_log "kamailio $kam_pid_was stopped"
e2e_wait_log "session [0-9a-f]+ \([0-9]+-[0-9]+@127.0.0.1\) ends" 6 50
sleep 0.5
e2e_sink_stop sink
kill -TERM $bg 2>/dev/null; wait $bg     # its callers never get a BYE: Kamailio is gone
e2e_server_alive
n=$(grep -cE "session [0-9a-f]+ \([0-9]+-[0-9]+@127.0.0.1\) ends" "$CASE_DIR/sems.log")
[ "$n" = 6 ] || e2e_fail "$((n - 1)) of the 5 sessions whose BYE could not be sent ended, want 5"
sends=$(grep -c "cannot send evrexec.run to Kamailio at $KAM_RPC_SOCK" "$CASE_DIR/sems.log")
e2e_log "log: $(grep -m1 "cannot send evrexec.run to Kamailio" "$CASE_DIR/sems.log")"
[ "$sends" = 1 ] || e2e_fail "want one 'cannot send evrexec.run to Kamailio' line for 5 failed BYEs, got $sends"
byes=$(grep -c "ser: call .*: cannot send BYE: " "$CASE_DIR/sems.log")
[ "$byes" = 1 ] || e2e_fail "want one 'call ...: cannot send BYE' line for the 5 calls (then one per 10 s), got $byes"
e2e_check sink "P['last'] - $kill_t < 3.5 or 'RTP went on %.1f s after Kamailio was stopped' % (P['last'] - $kill_t)"

kam_init
kam_start
e2e_sipp after "$CASE_DIR/call.xml" short
e2e_expect_rc after 0 "a call through Kamailio after it was started again"
e2e_log "log: $(grep -m1 "reachable again" "$CASE_DIR/sems.log")"
e2e_log_has "ser: Kamailio at $KAM_RPC_SOCK reachable again \(5 requests failed while it was not\)" "the line that Kamailio is back"
e2e_stop_server
kam_stop
e2e_pass
