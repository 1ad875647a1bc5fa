#!/bin/bash
# 58: through Kamailio (SER mode), a B2BUA: the caller (sipp UAC, RTP sink
# A sending 700 Hz) calls b2b_probe through Kamailio, which connectCallee()s
# a sipp UAS (RTP sink B sending 1500 Hz); the callee leg's INVITE leaves
# through Kamailio too (Kamailio's Via, the caller's From URI, X-Test);
# the callee's 180 and 200 reach onOtherReply; each party hears the
# other's tone and not only its own; the callee's BYE (through Kamailio)
# ends both legs: the caller gets the server's BYE; no session left.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
kam_init
UAS_PORT=$((E2E_PORT_BASE + 10))
SINK_B=$((E2E_SINK_PORT + 2))
gen="$E2E_DIR/gen_audio.py"
"$PYTHON" "$gen" tones "$CASE_DIR/a.wav" 8000 6000 700
"$PYTHON" "$gen" tones "$CASE_DIR/b.wav" 8000 6000 1500
e2e_add_script_as b2b_probe b2b out="$CASE_DIR/ev.jsonl" \
	callee_uri="sip:callee58@127.0.0.1:$UAS_PORT"
kam_write_config
e2e_start_server b2b
kam_start

e2e_sink_start sinka "$E2E_SINK_PORT" 1 --send "$CASE_DIR/a.wav" --save "$CASE_DIR/heard_a.wav"
e2e_sink_start sinkb "$SINK_B" 1 --send "$CASE_DIR/b.wav" --save "$CASE_DIR/heard_b.wav"
uac_sipp_bg callee uas_ring_answer_bye.xml "$UAS_PORT" -key sinkport "$SINK_B"
e2e_scenario caller --codecs "0 101" wait-bye:15000
e2e_sipp call "$CASE_DIR/caller.xml" b2b
uac_sipp_wait callee
e2e_sink_stop sinka
e2e_sink_stop sinkb
e2e_expect_rc call 0 "caller through Kamailio (INVITE, bridged, the server's BYE after the callee's)"
e2e_expect_rc callee 0 "callee UAS (INVITE through Kamailio, 180, 200, ACK, its BYE answered)"
uac_msg_has callee "^INVITE sip:callee58@127\.0\.0\.1:$UAS_PORT SIP/2\.0\$" "the R-URI"
uac_msg_has callee "^Via: SIP/2\.0/UDP 127\.0\.0\.1:$KAM_PORT;" "Kamailio's Via (sent by Kamailio)"
uac_msg_has callee '^From: <sip:e2e@127\.0\.0\.1:[0-9]+>;tag=' "the caller's From"
uac_msg_has callee '^X-Test: b2b$' "the header the script added to invite_req.hdrs"
uac_msg_has callee "^Contact: <sip:[^@]*@127\.0\.0\.1:$KAM_PORT>\$" "a Contact pointing at Kamailio"
grep -q "^ACK sip:callee@127\.0\.0\.1:$UAS_PORT" "$CASE_DIR/callee.msg.log" ||
	e2e_fail "the UAS got no ACK"

ev=$CASE_DIR/ev.jsonl
e2e_check_events "$ev" "[e['code'] for e in E if e['ev'] == 'other_reply'] == [180, 200] or 'onOtherReply got %s' % [e['code'] for e in E if e['ev'] == 'other_reply']"
e2e_check_events "$ev" "[e['ev'] for e in E if e['ev'] == 'other_bye'] == ['other_bye'] or 'no onOtherBye: %s' % E"
e2e_log_has "b2b .*: callee sip:callee58@.* hung up \(BYE\)" "the callee's BYE reaching the leg"
uac_tones_crossed
kam_log_lacks "ERROR" "an error"
e2e_stop_server
kam_stop
e2e_pass
