#!/bin/bash
# 26: sendDtmf("12#") 0.5 s after the answer: the caller's RTP sink sees
# RFC 4733 events (PT 101) 1, 2, 11 in that order, one per event timestamp,
# each with end packets (E bit), durations 80-140 ms (100 asked); and still
# PCMU (PT 0) around them.
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
e2e_add_script_as send_dtmf_probe send_dtmf_probe "out=$ev" "digits=12#"
e2e_write_config
e2e_start_server send_dtmf_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_scenario call wait-bye:8000
e2e_sipp call "$CASE_DIR/call.xml" send_dtmf_probe
e2e_sink_stop sink
e2e_expect_rc call 0 "call to send_dtmf_probe (want the server's BYE)"
e2e_check_events "$ev" "[e['ev'] for e in E] == ['sent'] or 'script saw %s' % [(e['ev'], e.get('what')) for e in E]"
e2e_check sink "[e['key'] for e in P['events']] == [1, 2, 11] or 'telephone-events %s, want keys [1, 2, 11]' % [(e['key'], e['end'], e['duration']) for e in P['events']]"
e2e_check sink "all(e['end'] for e in P['events']) or 'events without an end packet: %s' % [(e['key'], e['end'], e['duration']) for e in P['events']]"
e2e_check sink "all(80 <= e['duration'] <= 140 for e in P['events']) or 'event durations %s ms, want ~100' % [e['duration'] for e in P['events']]"
e2e_check sink "P['payload_types'].get('0', 0) > 0 or 'no PCMU besides the events: %s' % P['payload_types']"
e2e_stop_server
e2e_pass
