#!/bin/bash
# 112: bidirectional="replace": the server sends 2 s of 800 Hz in
# real-time 20 ms frames then a mark; the caller hears the tone (800 Hz
# share > 0.45 of the 3.5 s call: a share counts time, 1.6-2.4 s loud) instead of the looping prompt
# (400 Hz share < 0.05), and onListenMark("tone-end") comes after the
# tone was heard (not before the last loud packet minus 60 ms) and within
# 300 ms of it.
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/listen_lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "gen_audio"
listen_server ws tone:800:2000
e2e_add_script_as listen_probe listen_probe "out=$ev" "url=ws://127.0.0.1:$E2E_WS_PORT/bot" \
	"bidirectional=replace" "prompt=$CASE_DIR/prompt.wav" "bye_ms=3500"
e2e_write_config
e2e_start_server listen_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo --save "$CASE_DIR/heard.wav"
e2e_scenario call wait-bye:8000
e2e_sipp call "$CASE_DIR/call.xml" listen_probe
e2e_sink_stop sink
listen_server_stop ws
e2e_expect_rc call 0 "call to listen_probe (want the server's BYE)"
h800=$(listen_share "$CASE_DIR/heard.wav" 800 0)
h400=$(listen_share "$CASE_DIR/heard.wav" 400 0)
e2e_log "heard 800 Hz $h800, 400 Hz $h400"
"$PYTHON" -c "import sys; sys.exit(0 if $h800 > 0.45 and $h400 < 0.05 else 1)" || e2e_fail "the caller does not hear the server's tone alone (800 Hz $h800, 400 Hz $h400)"
e2e_check sink "P['loud_first'] is not None and 1.6 <= P['loud_last'] - P['loud_first'] <= 2.4 or 'loud for %s s' % (P['loud_first'] and P['loud_last'] - P['loud_first'])"
mark_t=$("$PYTHON" -c 'import json,sys; print([e["t"] for e in map(json.loads, open(sys.argv[1])) if e["ev"] == "mark" and e["name"] == "tone-end"][0])' "$ev" 2>/dev/null) ||
	e2e_fail "no onListenMark(tone-end)"
e2e_check sink "-0.06 <= $mark_t - P['loud_last'] <= 0.3 or 'mark %.3f s after the last loud packet' % ($mark_t - P['loud_last'])"
e2e_stop_server
e2e_pass
