#!/bin/bash
# 115: the WebSocket server process dies 1.5 s into the stream: the script
# gets onListenEnd (closed or error), the call goes on: the caller's RTP
# keeps coming at 50/s until the script's BYE 2.5 s later (packets until
# >= 2 s after the death, no gap over 60 ms, no sequence gap).
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/listen_lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "gen_audio"
listen_server ws die:1500
e2e_add_script_as listen_probe listen_probe "out=$ev" "url=ws://127.0.0.1:$E2E_WS_PORT/" \
	"bidirectional=mix" "prompt=$CASE_DIR/prompt.wav" "bye_ms=4000"
e2e_write_config
e2e_start_server listen_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_scenario call wait-bye:8000
e2e_sipp call "$CASE_DIR/call.xml" listen_probe
e2e_sink_stop sink
listen_server_stop ws
e2e_expect_rc call 0 "call to listen_probe (want the server's BYE)"
die_t=$("$PYTHON" -c 'import json,sys; print([e["t"] for e in map(json.loads, open(sys.argv[1])) if e["ev"] == "die"][0])' "$CASE_DIR/ws.jsonl") ||
	e2e_fail "the test server did not die"
e2e_check_events "$ev" "len([e for e in E if e['ev'] == 'listen_end']) == 1 or 'ends %s' % [e for e in E if e['ev'] == 'listen_end']"
e2e_check_events "$ev" "[e for e in E if e['ev'] == 'listen_end'][0]['reason'] in ('closed',) or [e for e in E if e['ev'] == 'listen_end'][0]['reason'].startswith('error:') or 'reason %s' % [e for e in E if e['ev'] == 'listen_end']"
e2e_check_events "$ev" "0 <= [e['t'] for e in E if e['ev'] == 'listen_end'][0] - $die_t <= 0.5 or 'onListenEnd %.3f s after the death' % ([e['t'] for e in E if e['ev'] == 'listen_end'][0] - $die_t)"
e2e_check sink "P['last'] - $die_t >= 2.0 or 'RTP stopped %.2f s after the death' % (P['last'] - $die_t)"
e2e_check sink "P['max_gap_ms'] <= 60 and P['seq_gaps'] == 0 or 'max gap %s ms, %s sequence gaps' % (P['max_gap_ms'], P['seq_gaps'])"
e2e_check sink "45 <= P['pps'] <= 55 or '%.1f pkt/s' % P['pps']"
e2e_stop_server
e2e_pass
