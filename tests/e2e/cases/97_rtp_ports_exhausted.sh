#!/bin/bash
# 97: the RTP port range exhausted.  rtp_low_port..rtp_high_port holds three
# even ports; three calls hold them (5 s each); three more INVITEs get 503
# "Service Unavailable (no RTP port)" and each is logged with the range;
# the held calls go on undisturbed (their BYE after 5 s); once they ended,
# three new calls in a row succeed on the freed ports.
. "$(dirname "$0")/../lib.sh"
e2e_init
low=$E2E_RTP_LOW
high=$((E2E_RTP_LOW + 5))
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "could not write prompt.wav"
e2e_add_script_as fault_probe hold "out=$CASE_DIR/hold.jsonl" mode=hold "prompt=$CASE_DIR/prompt.wav" hold_s=5
e2e_add_script_as fault_probe short "out=$CASE_DIR/short.jsonl" mode=hold "prompt=$CASE_DIR/prompt.wav" hold_s=0.5
e2e_write_config rtp_low_port=$low rtp_high_port=$high
e2e_start_server hold short
e2e_sink_start sink "$E2E_SINK_PORT" 1

e2e_scenario held wait-bye:12000
e2e_sipp held "$CASE_DIR/held.xml" hold -m 3 -l 3 -r 10 &
bg=$!
e2e_track $bg
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
e2e_wait_log "running application 'hold'" 3 || e2e_fail "the three holding calls did not start within 4 s"
e2e_sipp refused uac_expect_503.xml hold -m 3 -l 1 -r 10
e2e_expect_rc refused 0 "INVITEs with every RTP port taken (want 503)"
[ "$(e2e_sipp_successful refused)" = 3 ] || e2e_fail "want 3 INVITEs refused with 503, got $(e2e_sipp_successful refused)"
grep -q "SIP/2.0 503 Service Unavailable (no RTP port)" "$CASE_DIR/refused.msg.log" ||
	e2e_fail "the 503 lacks the reason phrase 'Service Unavailable (no RTP port)'"
wait $bg
e2e_expect_rc held 0 "the three calls holding the ports (want their BYE after 5 s)"
[ "$(e2e_sipp_successful held)" = 3 ] || e2e_fail "want 3 held calls to end normally, got $(e2e_sipp_successful held)"
n=$(grep -c "RTP port range $low-$high exhausted (every even port in use): 503" "$CASE_DIR/sems.log")
e2e_log "log: $(grep -m1 'port range .* exhausted' "$CASE_DIR/sems.log")"
[ "$n" = 3 ] || e2e_fail "want 3 log lines 'RTP port range $low-$high exhausted', got $n"

e2e_scenario again wait-bye:5000
e2e_sipp again "$CASE_DIR/again.xml" short -m 3 -l 1 -r 10
e2e_sink_stop sink
e2e_expect_rc again 0 "new calls after the ports were freed"
[ "$(e2e_sipp_successful again)" = 3 ] || e2e_fail "want 3 new calls after the ports were freed, got $(e2e_sipp_successful again)"
n=$(grep -c "port range .* exhausted" "$CASE_DIR/sems.log")
[ "$n" = 3 ] || e2e_fail "new calls after the ports were freed were refused ($n refusals logged)"
e2e_stop_server
e2e_pass
