#!/bin/bash
# 59: through Kamailio (SER mode), a B2BUA whose callee rings and does not
# answer; the caller hangs up after 1.5 s: the callee leg's INVITE is
# CANCELled by Kamailio (RPC tm.cancel: CANCEL, 487, ACK by tm), the 180
# reached onOtherReply, and no session is left.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
kam_init
UAS_PORT=$((E2E_PORT_BASE + 10))
e2e_add_script_as b2b_probe b2b out="$CASE_DIR/ev.jsonl" \
	callee_uri="sip:ringing@127.0.0.1:$UAS_PORT"
kam_write_config
e2e_start_server b2b
kam_start
uac_sipp_bg callee uas_ring_cancel.xml "$UAS_PORT"
e2e_scenario caller --codecs "0 101" pause:1500 bye
e2e_sipp call "$CASE_DIR/caller.xml" b2b
uac_sipp_wait callee
e2e_expect_rc call 0 "caller through Kamailio (hangs up while the callee rings)"
e2e_expect_rc callee 0 "callee (180, then CANCEL, 487, ACK) through Kamailio"
grep -q "^CANCEL sip:ringing@127\.0\.0\.1:$UAS_PORT" "$CASE_DIR/callee.msg.log" ||
	e2e_fail "the callee got no CANCEL"
e2e_check_events "$CASE_DIR/ev.jsonl" "[e['code'] for e in E if e['ev'] == 'other_reply'][:1] == [180] or 'events %s' % E"
kam_log_lacks "ERROR" "an error"
e2e_stop_server
kam_stop
e2e_pass
