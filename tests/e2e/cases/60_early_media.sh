#!/bin/bash
# 60: early media and answer control: the script's onInvite calls ring()
# and preAnswer(), enqueues the prompt and answers from a timer 1.5 s
# later.  The caller gets 180, then 183 with an SDP answer (PCMU), RTP of
# the prompt from about the 183 on, at least 1 s before the 200, and then
# the 200 with SDP; the dialog status is Early after preAnswer and
# Connected after answer().  A second call to the default script (onInvite
# returns True) is still answered at once.  A third call is cancelled
# after the 183 (early media playing): 200 to the CANCEL, 487 to the
# INVITE, and the script's onCancel runs.
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
prompt=$E2E_PREFIX/lib/sems/audio/welcome.wav
e2e_add_script_as indialog_probe early "out=$ev" mode=early "prompt=$prompt" answer_after=1.5
e2e_add_script_as indialog_probe early5 "out=$CASE_DIR/cancel.jsonl" mode=early "prompt=$prompt" answer_after=5
e2e_add_script announce
e2e_write_config
e2e_start_server early early5 announce

e2e_sink_start sink "$E2E_SINK_PORT" 1
e2e_sipp call uac_early_media.xml early
e2e_sink_stop sink
e2e_expect_rc call 0 "call (INVITE/180/183 SDP/200 SDP/ACK/BYE)"
early=$(e2e_sipp_mark call early)
answer=$(e2e_sipp_mark call answer)
[ -n "$early" ] && [ -n "$answer" ] || e2e_fail "sipp logged no 183/200 times"
e2e_check sink "P['packets'] > 0 or 'no RTP received'"
e2e_check sink "P['first'] <= $answer - 1.0 or 'first RTP %.3f s before the 200, want >= 1 s' % ($answer - P['first'])"
e2e_check sink "P['first'] >= $early - 0.2 or 'RTP %.3f s before the 183' % ($early - P['first'])"
e2e_check sink "P['loud_first'] is not None and P['loud_first'] < $answer or 'the prompt was not heard before the 200'"
e2e_check sink "P['last'] > $answer + 0.5 or 'RTP stopped at the answer'"
e2e_check_events "$ev" "[e['status'] for e in E if e['ev'] == 'pre_answered'] == ['Early'] or 'status after preAnswer: %s' % [e.get('status') for e in E]"
e2e_check_events "$ev" "[e['status'] for e in E if e['ev'] == 'answered'] == ['Connected'] or 'status after answer: %s' % [e.get('status') for e in E]"

e2e_sink_start sink2 "$((E2E_SINK_PORT + 2))" 1 --echo
printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 2))" > "$CASE_DIR/plain.csv"
e2e_sipp plain uac_announce.xml announce
e2e_sink_stop sink2
e2e_expect_rc plain 0 "call answered at once (onInvite default)"

e2e_sipp cancel uac_cancel_early.xml early5
e2e_expect_rc cancel 0 "CANCEL after the 183 (want 200 and 487)"
e2e_check_events "$CASE_DIR/cancel.jsonl" "[e['ev'] for e in E if e['ev'] in ('pre_answered', 'cancel', 'answered')] == ['pre_answered', 'cancel'] or 'events %s' % [e['ev'] for e in E]"
e2e_stop_server
e2e_pass
