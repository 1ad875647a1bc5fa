#!/bin/bash
# 111: startListen(mix="stereo", rate=16000, bidirectional="mix") on a
# PCMU call that plays a 400 Hz prompt while the caller sends 1000 Hz and
# the server sends 800 Hz for 2 s: the frames are 1280 bytes (20 ms, 16 kHz,
# 2 channels, resampled from the call's 8 kHz) at 50/s; the left channel is
# the caller's tone (1000 Hz share > 0.8), the right channel what the
# caller hears (400 Hz and 800 Hz each > 0.1, together > 0.8: the share of a tone counts its time too); the caller hears the
# prompt with the server's tone mixed over it (the same).
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/listen_lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/tone.wav" 1000 3500 || e2e_fail "gen_audio"
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "gen_audio"
listen_server ws tone:800:2000
e2e_add_script_as listen_probe listen_probe "out=$ev" "url=ws://127.0.0.1:$E2E_WS_PORT/" \
	"mix=stereo" "rate=16000" "bidirectional=mix" "prompt=$CASE_DIR/prompt.wav" "bye_ms=3000"
e2e_write_config
e2e_start_server listen_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --send "$CASE_DIR/tone.wav" --save "$CASE_DIR/heard.wav"
e2e_scenario call wait-bye:8000
e2e_sipp call "$CASE_DIR/call.xml" listen_probe
e2e_sink_stop sink
sleep 0.3
listen_server_stop ws
e2e_expect_rc call 0 "call to listen_probe (want the server's BYE)"
listen_check ws "S and S[0]['rate'] == 16000 and S[0]['channels'] == 2 or 'start %s' % S"
listen_check ws "all(a['n'] == 1280 for a in A) or 'frame sizes %s' % sorted(set(a['n'] for a in A))"
listen_check ws "45 <= (len(A) - 1) / (A[-1]['t'] - A[0]['t']) <= 55 or '%.1f frames/s' % ((len(A) - 1) / (A[-1]['t'] - A[0]['t']))"
listen_check ws "max(gaps()) <= 60 or 'gaps up to %s ms' % max(gaps())"
l1000=$(listen_share "$CASE_DIR/ws.jsonl-1.wav" 1000)
r400=$(listen_share "$CASE_DIR/ws.jsonl-1-right.wav" 400)
r800=$(listen_share "$CASE_DIR/ws.jsonl-1-right.wav" 800)
h400=$(listen_share "$CASE_DIR/heard.wav" 400)
h800=$(listen_share "$CASE_DIR/heard.wav" 800)
e2e_log "left 1000 Hz $l1000; right 400 Hz $r400, 800 Hz $r800; heard 400 Hz $h400, 800 Hz $h800"
"$PYTHON" -c "import sys; sys.exit(0 if $l1000 > 0.8 else 1)" || e2e_fail "left channel is not the caller's tone (1000 Hz share $l1000)"
"$PYTHON" -c "import sys; sys.exit(0 if $r400 > 0.1 and $r800 > 0.1 and $r400 + $r800 > 0.8 else 1)" || e2e_fail "right channel is not what the caller hears (400 Hz $r400, 800 Hz $r800)"
"$PYTHON" -c "import sys; sys.exit(0 if $h400 > 0.1 and $h800 > 0.1 and $h400 + $h800 > 0.8 else 1)" || e2e_fail "the caller does not hear prompt and server mixed (400 Hz $h400, 800 Hz $h800)"
e2e_check_events "$ev" "[e['name'] for e in E if e['ev'] == 'mark'] == ['tone-end'] or 'marks %s' % [e for e in E if e['ev'] == 'mark']"
e2e_stop_server
e2e_pass
