#!/bin/bash
# 75: B2BUA, callee busy: its 486 reaches onOtherReply(486, "Busy Here");
# the script returns False and plays a fallback prompt, which the caller
# hears as RTP; then the script hangs up (the caller gets BYE).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
UAS_PORT=$((E2E_PORT_BASE + 10))
e2e_add_script_as b2b_probe b2b out="$CASE_DIR/ev.jsonl" \
	callee_uri="sip:busy@127.0.0.1:$UAS_PORT" \
	fallback="$E2E_PREFIX/lib/sems/audio/welcome.wav"
e2e_write_config
e2e_start_server b2b
e2e_sink_start sink "$E2E_SINK_PORT" 1
uac_sipp_bg callee uas_busy.xml "$UAS_PORT"
e2e_sipp call uac_announce.xml b2b
uac_sipp_wait callee
e2e_sink_stop sink
e2e_expect_rc callee 0 "busy callee (INVITE, 486, ACK)"
e2e_expect_rc call 0 "caller (fallback prompt, then BYE from the server)"
e2e_check_events "$CASE_DIR/ev.jsonl" "[(e['code'], e['reason']) for e in E if e['ev'] == 'other_reply'] == [(486, 'Busy Here')] or 'onOtherReply %s' % E"
e2e_check_events "$CASE_DIR/ev.jsonl" "[e['ev'] for e in E][-1] == 'empty' or 'the fallback did not play to its end: %s' % E"
e2e_check sink "P['packets'] > 100 and P['rms'] > 100 or 'the caller did not hear the fallback (%d packets, rms %s)' % (P['packets'], P['rms'])"
e2e_stop_server
e2e_pass
