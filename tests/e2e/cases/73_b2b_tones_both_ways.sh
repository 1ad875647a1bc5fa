#!/bin/bash
# 73: B2BUA with media relayed through the server.  A caller (sipp UAC,
# RTP sink A sending a 700 Hz tone) calls b2b_probe, which connectCallee()s
# a sipp UAS (RTP sink B sending 1500 Hz) with invite_req.hdrs + X-Test.
# The callee's 180 and 200 reach onOtherReply; each party hears the other
# one's tone (Goertzel on the decoded audio each sink received) and not
# only its own; the caller's BYE ends both legs (the UAS gets BYE); no
# session is left.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
UAS_PORT=$((E2E_PORT_BASE + 10))
SINK_B=$((E2E_SINK_PORT + 2))
gen="$E2E_DIR/gen_audio.py"
"$PYTHON" "$gen" tones "$CASE_DIR/a.wav" 8000 6000 700
"$PYTHON" "$gen" tones "$CASE_DIR/b.wav" 8000 6000 1500
e2e_add_script_as b2b_probe b2b out="$CASE_DIR/ev.jsonl" \
	callee_uri="sip:callee73@127.0.0.1:$UAS_PORT"
e2e_write_config
e2e_start_server b2b

e2e_sink_start sinka "$E2E_SINK_PORT" 1 --send "$CASE_DIR/a.wav" --save "$CASE_DIR/heard_a.wav"
e2e_sink_start sinkb "$SINK_B" 1 --send "$CASE_DIR/b.wav" --save "$CASE_DIR/heard_b.wav"
uac_sipp_bg callee uas_answer.xml "$UAS_PORT" \
	-key sinkport "$SINK_B" -key pt 0 -key ptname PCMU
e2e_scenario caller --codecs "0 101" pause:4000 bye
e2e_sipp call "$CASE_DIR/caller.xml" b2b
uac_sipp_wait callee
e2e_sink_stop sinka
e2e_sink_stop sinkb
e2e_expect_rc call 0 "caller (INVITE, 4 s bridged, BYE)"
e2e_expect_rc callee 0 "callee UAS (INVITE with the caller's From and X-Test, BYE after the caller's)"
uac_msg_has callee "^INVITE sip:callee73@127\.0\.0\.1:$UAS_PORT SIP/2\.0\$" "the R-URI"
uac_msg_has callee '^From: <sip:e2e@127\.0\.0\.1:[0-9]+>;tag=' "the caller's From"
uac_msg_has callee '^Subject: e2e$' "the caller's headers (invite_req.hdrs)"
uac_msg_has callee '^X-Test: b2b$' "the header the script added to invite_req.hdrs"

ev=$CASE_DIR/ev.jsonl
e2e_check_events "$ev" "[e['code'] for e in E if e['ev'] == 'other_reply'] == [180, 200] or 'onOtherReply got %s' % [e['code'] for e in E if e['ev'] == 'other_reply']"
uac_tones_crossed
e2e_stop_server
e2e_pass
