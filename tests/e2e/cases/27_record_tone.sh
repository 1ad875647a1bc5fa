#!/bin/bash
# 27: the caller sends a 1 kHz tone for 2 s; the script records it with
# IvrAudioFile(AUDIO_WRITE) + setRecordTime(1500) + enqueue(None, rec) and
# on onEmptyQueue reports getDataSize(), closes it and hangs up: the WAV is
# valid (RIFF and data sizes match the file), 8 kHz mono 16-bit, 1.5 s +-
# 60 ms long, its dominant frequency is 1 kHz, and the reported data size is
# frames * 2.
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
rec=$CASE_DIR/rec.wav
e2e_add_script_as record_probe record_probe "out=$ev" "file=$rec" mode=timed ms=1500
e2e_write_config
e2e_start_server record_probe
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/tone.wav" 1000 2000 || e2e_fail "could not write tone.wav"

e2e_sink_start sink "$E2E_SINK_PORT" 1 --send "$CASE_DIR/tone.wav"
e2e_scenario call wait-bye:8000
e2e_sipp call "$CASE_DIR/call.xml" record_probe
e2e_sink_stop sink
e2e_check_events "$ev" "[e['ev'] for e in E] == ['recording', 'empty'] or 'script saw %s' % [(e['ev'], e.get('what')) for e in E]"
e2e_expect_rc call 0 "call to record_probe (want the server's BYE after 1.5 s)"
[ -f "$rec" ] || e2e_fail "no recording $rec"
"$PYTHON" "$E2E_DIR/wav_check.py" "$rec" > "$CASE_DIR/rec.json"
e2e_log "recording: $(cat "$CASE_DIR/rec.json")"
e2e_check_events "$CASE_DIR/rec.json" "E[0]['valid'] or 'invalid WAV: ' + E[0]['why']"
e2e_check_events "$CASE_DIR/rec.json" "(E[0]['rate'], E[0]['channels'], E[0]['width']) == (8000, 1, 2) or 'format %s Hz, %s ch, %s bytes/sample, want 8000/1/2' % (E[0]['rate'], E[0]['channels'], E[0]['width'])"
e2e_check_events "$CASE_DIR/rec.json" "abs(E[0]['seconds'] - 1.5) <= 0.060 or 'recording is %.3f s, want 1.5 +- 0.06' % E[0]['seconds']"
e2e_check_events "$CASE_DIR/rec.json" "E[0]['dominant_hz'] == 1000 or 'dominant frequency %s Hz, want 1000' % E[0]['dominant_hz']"
size=$(sed -nE 's/.*"size": ([0-9]+).*/\1/p' "$ev")
e2e_check_events "$CASE_DIR/rec.json" "E[0]['frames'] * 2 == ${size:-None} or 'getDataSize() %s, want frames*2 = %d' % (${size:-None}, E[0]['frames'] * 2)"
e2e_stop_server
e2e_pass
