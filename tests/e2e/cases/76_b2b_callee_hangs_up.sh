#!/bin/bash
# 76: B2BUA, the callee hangs up 1.5 s after answering: onOtherBye runs,
# its default ends the caller's leg too (the caller gets BYE); no session
# is left.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
UAS_PORT=$((E2E_PORT_BASE + 10))
SINK_B=$((E2E_SINK_PORT + 2))
e2e_add_script_as b2b_probe b2b out="$CASE_DIR/ev.jsonl" \
	callee_uri="sip:callee76@127.0.0.1:$UAS_PORT"
e2e_write_config
e2e_start_server b2b
e2e_sink_start sinkb "$SINK_B" 1
uac_sipp_bg callee uas_answer_bye.xml "$UAS_PORT" -key sinkport "$SINK_B"
e2e_sipp call uac_announce.xml b2b
uac_sipp_wait callee
e2e_sink_stop sinkb
e2e_expect_rc callee 0 "callee (200, BYE after 1.5 s, 200 to it)"
e2e_expect_rc call 0 "caller (BYE from the server after the callee's)"
e2e_check_events "$CASE_DIR/ev.jsonl" "[e['ev'] for e in E if e['ev'] in ('other_reply', 'other_bye')] == ['other_reply', 'other_bye'] or 'events %s' % E"
e2e_check sinkb "P['packets'] > 0 or 'no RTP to the callee'"
e2e_stop_server
e2e_pass
