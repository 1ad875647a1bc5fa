#!/bin/bash
# 113: barge-in: the server sends 3 s of 800 Hz at once (one frame), and
# after 1 s {"type": "clear"} and a mark: the caller heard the tone
# before the clear (>= 0.6 s of it) and no loud packet later than 40 ms
# after the clear was sent; the mark sent after the clear comes back.
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/listen_lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
listen_server ws burst:800:3000:1000
e2e_add_script_as listen_probe listen_probe "out=$ev" "url=ws://127.0.0.1:$E2E_WS_PORT/" \
	"bidirectional=replace" "bye_ms=3000"
e2e_write_config
e2e_start_server listen_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_scenario call wait-bye:8000
e2e_sipp call "$CASE_DIR/call.xml" listen_probe
e2e_sink_stop sink
listen_server_stop ws
e2e_expect_rc call 0 "call to listen_probe (want the server's BYE)"
clear_t=$("$PYTHON" -c 'import json,sys; print([e["t"] for e in map(json.loads, open(sys.argv[1])) if e["ev"] == "clear"][0])' "$CASE_DIR/ws.jsonl") ||
	e2e_fail "the test server sent no clear"
e2e_check sink "P['loud_first'] is not None and $clear_t - P['loud_first'] >= 0.6 or 'tone heard from %s, clear at $clear_t' % P['loud_first']"
e2e_check sink "P['loud_last'] - $clear_t <= 0.04 or 'tone heard %.0f ms after the clear' % ((P['loud_last'] - $clear_t) * 1000)"
e2e_log "last loud packet $(e2e_check sink "print('%.1f ms after clear' % ((P['loud_last'] - $clear_t) * 1000)) or True"; true)"
e2e_check_events "$ev" "[e['name'] for e in E if e['ev'] == 'mark'] == ['after-clear'] or 'marks %s' % [e for e in E if e['ev'] == 'mark']"
e2e_stop_server
e2e_pass
