#!/bin/bash
# 21: keys by SIP INFO in the dialog (each answered 200): dtmf-relay
# "Signal=4 / Duration=160", "Signal=7" (no Duration), application/dtmf "9"
# and "#": onDtmf gets keys 4,7,9,11 in that order with durations 160, 250,
# 250, 250 (250 when the body gives none).
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
e2e_add_script_as dtmf_probe dtmf_probe "out=$ev"
e2e_write_config
e2e_start_server dtmf_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_scenario keys pause:300 relay:4:160 pause:200 relay:7 pause:200 dtmf:9 pause:200 'dtmf:#' pause:300 bye
e2e_sipp call "$CASE_DIR/keys.xml" dtmf_probe
e2e_sink_stop sink
e2e_expect_rc call 0 "call with 4 INFOs (each wants 200)"
e2e_check_events "$ev" "keys(E) == [4, 7, 9, 11] or 'onDtmf keys %s, want [4, 7, 9, 11]' % keys(E)"
e2e_check_events "$ev" "[e['duration'] for e in E if e['ev'] == 'dtmf'] == [160, 250, 250, 250] or 'durations %s, want [160, 250, 250, 250]' % [e['duration'] for e in E if e['ev'] == 'dtmf']"
e2e_stop_server
e2e_pass
