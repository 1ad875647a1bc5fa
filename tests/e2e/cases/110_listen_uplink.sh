#!/bin/bash
# 110: startListen(url, metadata=...) on a call whose caller sends a
# 1000 Hz tone: the WebSocket server gets one JSON start frame first
# (call_id of the call, application, rate 8000, channels 1, encoding
# L16LE, the metadata), then binary frames of 320 bytes (20 ms of L16 at
# 8 kHz) at 50 frames/s with no gap over 60 ms; the audio it got is the
# tone (share of 1000 Hz > 0.8); the script's BYE ends the stream, the
# server sees the close.
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/listen_lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/tone.wav" 1000 3000 || e2e_fail "gen_audio"
listen_server ws record
e2e_add_script_as listen_probe listen_probe "out=$ev" "url=ws://127.0.0.1:$E2E_WS_PORT/stream?x=1" \
	'metadata={"customer": "e2e", "n": 1}' "bye_ms=3500"
e2e_write_config
e2e_start_server listen_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --send "$CASE_DIR/tone.wav"
e2e_scenario call wait-bye:8000
e2e_sipp call "$CASE_DIR/call.xml" listen_probe
e2e_sink_stop sink
sleep 0.3
listen_server_stop ws
e2e_expect_rc call 0 "call to listen_probe (want the server's BYE)"
e2e_check_events "$ev" "[e['ev'] for e in E][:1] == ['start'] or 'script saw %s' % [(e['ev'], e.get('what')) for e in E]"
listen_check ws "W[0]['ev'] == 'start' or 'first frame: %s' % W[0]"
listen_check ws "len(S) == 1 and S[0]['rate'] == 8000 and S[0]['channels'] == 1 and S[0]['encoding'] == 'L16LE' or 'start %s' % S"
listen_check ws "S[0]['metadata'] == {'customer': 'e2e', 'n': 1} and S[0]['application'] == 'listen_probe' and bool(S[0]['call_id']) or 'start %s' % S"
listen_check ws "all(a['n'] == 320 for a in A) or 'frame sizes %s' % sorted(set(a['n'] for a in A))"
listen_check ws "len(A) > 100 or '%d frames' % len(A)"
listen_check ws "45 <= (len(A) - 1) / (A[-1]['t'] - A[0]['t']) <= 55 or '%.1f frames/s' % ((len(A) - 1) / (A[-1]['t'] - A[0]['t']))"
listen_check ws "max(gaps()) <= 60 or 'gaps up to %s ms' % max(gaps())"
listen_check ws "[w['ev'] for w in W][-1] == 'end' or 'no end: %s' % W[-1]"
share=$(listen_share "$CASE_DIR/ws.jsonl-1.wav" 1000)
e2e_log "1000 Hz share of the streamed audio: $share; frames: $(grep -c '"audio"' "$CASE_DIR/ws.jsonl")"
"$PYTHON" -c "import sys; sys.exit(0 if $share > 0.8 else 1)" || e2e_fail "the streamed audio is not the caller's tone (1000 Hz share $share)"
e2e_stop_server
e2e_pass
