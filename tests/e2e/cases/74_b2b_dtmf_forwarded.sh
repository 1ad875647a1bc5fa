#!/bin/bash
# 74: B2BUA: RFC 4733 keys of the caller (sipp pcaps 1, 5, #) reach the
# caller's onDtmf and are sent on to the callee as RFC 4733 events (PT
# 101, end bit) in the same order; relay-only INFO: a dtmf-relay INFO
# of the caller arrives at the callee.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
pcaps=/usr/share/sip-tester
UAS_PORT=$((E2E_PORT_BASE + 10))
SINK_B=$((E2E_SINK_PORT + 2))
e2e_add_script_as b2b_probe b2b out="$CASE_DIR/ev.jsonl" relay=1 \
	callee_uri="sip:callee74@127.0.0.1:$UAS_PORT"
e2e_write_config
e2e_start_server b2b
e2e_sink_start sinkb "$SINK_B" 1 --echo
uac_sipp_bg callee uas_answer_info.xml "$UAS_PORT" -key sinkport "$SINK_B" -key pt 0 -key ptname PCMU
steps=(pause:1000)
for k in 1 5 pound; do steps+=("pcap:$pcaps/dtmf_2833_$k.pcap" pause:700); done
e2e_scenario caller --media sipp --codecs "0 101" "${steps[@]}" relay:7:200 pause:500 bye
e2e_sipp call "$CASE_DIR/caller.xml" b2b -mi 127.0.0.1 -mp "$E2E_SIPP_MEDIA_PORT"
uac_sipp_wait callee
e2e_sink_stop sinkb
e2e_expect_rc call 0 "caller with 3 RFC 4733 keys and an INFO"
e2e_expect_rc callee 0 "callee (INFO relayed, BYE)"
e2e_check_events "$CASE_DIR/ev.jsonl" "keys(E)[:3] == [1, 5, 11] or 'caller onDtmf %s' % keys(E)"
e2e_check sinkb "[e['key'] for e in P['events']] == [1, 5, 11] or 'callee got events %s' % P['events']"
e2e_check sinkb "all(e['end'] for e in P['events']) or 'events without end: %s' % P['events']"
grep -q 'Signal=7' "$CASE_DIR/callee.msg.log" || e2e_fail "the relayed INFO did not reach the callee"
e2e_stop_server
e2e_pass
