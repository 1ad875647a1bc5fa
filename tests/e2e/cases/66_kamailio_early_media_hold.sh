#!/bin/bash
# 66: through Kamailio (SER mode), early media and hold: ring() and
# preAnswer() reach the caller as 180 and 183 with the SDP answer (tm.reply
# with a body) and the prompt's RTP starts at least 1 s before the 200 that
# answer() sends; a second call is held by re-INVITE (a=sendonly answered
# a=recvonly, RTP stops), moved to a new port by unhold (sendrecv, RTP
# there), inactive, resumed and held by c=0.0.0.0, as in case 63.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
e2e_init
kam_init
ev=$CASE_DIR/events.jsonl
prompt=$E2E_PREFIX/lib/sems/audio/welcome.wav
e2e_add_script_as indialog_probe early "out=$ev" mode=early "prompt=$prompt" answer_after=1.5
e2e_add_script_as indialog_probe hold "out=$ev" mode=hold
kam_write_config
e2e_start_server early hold
kam_start

e2e_sink_start sink "$E2E_SINK_PORT" 1
e2e_sipp call uac_early_media.xml early
e2e_sink_stop sink
e2e_expect_rc call 0 "call through Kamailio (INVITE/180/183 SDP/200 SDP/ACK/BYE)"
early=$(e2e_sipp_mark call early)
answer=$(e2e_sipp_mark call answer)
[ -n "$early" ] && [ -n "$answer" ] || e2e_fail "sipp logged no 183/200 times"
e2e_check sink "P['packets'] > 0 or 'no RTP received'"
e2e_check sink "P['first'] <= $answer - 1.0 or 'first RTP %.3f s before the 200, want >= 1 s' % ($answer - P['first'])"
e2e_check sink "P['loud_first'] is not None and P['loud_first'] < $answer or 'the prompt was not heard before the 200'"

a=$((E2E_SINK_PORT + 4))
b=$((E2E_SINK_PORT + 6))
printf 'SEQUENTIAL\n%s;%s;\n' "$a" "$b" > "$CASE_DIR/held.csv"
e2e_sink_start sink2 "$a" 2
E2E_SIPP_TIMEOUT=30 e2e_sipp held uac_hold.xml hold
e2e_sink_stop sink2
e2e_expect_rc held 0 "hold/unhold re-INVITEs through Kamailio"
for m in hold unhold c0; do
	eval "t_$m=\$(e2e_sipp_mark held $m)"
done
e2e_check sink2 "S['ports']['$a']['last'] <= $t_hold + 0.06 or 'RTP went on %.3f s after the hold' % (S['ports']['$a']['last'] - $t_hold)"
e2e_check sink2 "S['ports']['$b']['packets'] > 0 and S['ports']['$b']['first'] >= $t_unhold - 0.1 or 'no RTP to the new port after unhold'"
e2e_check sink2 "S['ports']['$b']['last'] <= $t_c0 + 0.06 or 'RTP went on after c=0.0.0.0'"
e2e_stop_server
kam_stop
e2e_pass
