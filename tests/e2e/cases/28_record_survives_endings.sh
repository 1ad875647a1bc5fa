#!/bin/bash
# 28: a recording with no time limit (IvrAudioFile AUDIO_WRITE, enqueue(None,
# rec)) while the caller sends a 1 kHz tone, ended three ways at ~2 s: the
# caller's BYE, the script's stopSession() from a timer, and SIGTERM of the
# server.  Each file is a valid WAV (RIFF and data chunk sizes match the
# file size, frames match the data size), 8 kHz mono 16-bit, holding
# 1.5-2.5 s of the tone.
. "$(dirname "$0")/../lib.sh"
e2e_init
for m in bye timer term; do
	mode=nolimit
	[ $m = timer ] && mode=timer
	e2e_add_script_as record_probe "rec_$m" "out=$CASE_DIR/$m.jsonl" "file=$CASE_DIR/$m.wav" "mode=$mode" stop_s=2
done
e2e_write_config max_shutdown_time=2
e2e_start_server rec_bye rec_timer rec_term
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/tone.wav" 1000 3000 || e2e_fail "could not write tone.wav"
check_wav() { # NAME how
	local f=$CASE_DIR/$1.wav
	[ -f "$f" ] || e2e_fail "$2: no recording $1.wav"
	"$PYTHON" "$E2E_DIR/wav_check.py" "$f" > "$CASE_DIR/$1.wav.json"
	e2e_log "$1.wav: $(cat "$CASE_DIR/$1.wav.json")"
	e2e_check_events "$CASE_DIR/$1.wav.json" "E[0]['valid'] or '$2: invalid WAV: ' + E[0]['why']"
	e2e_check_events "$CASE_DIR/$1.wav.json" "(E[0]['rate'], E[0]['channels'], E[0]['width']) == (8000, 1, 2) or '$2: format %s Hz %s ch %s bytes, want 8000/1/2' % (E[0]['rate'], E[0]['channels'], E[0]['width'])"
	e2e_check_events "$CASE_DIR/$1.wav.json" "1.5 <= E[0]['tone_seconds'] <= 2.5 or '$2: %.2f s of 1 kHz tone in %.2f s of recording, want 1.5-2.5 s' % (E[0]['tone_seconds'], E[0]['seconds'])"
}
started() { # NAME how
	e2e_check_events "$CASE_DIR/$1.jsonl" "'recording' in [e['ev'] for e in E] or '$2: the script could not record: %s' % [(e['ev'], e.get('what')) for e in E]"
}

printf 'SEQUENTIAL\n%s;\n' "$E2E_SINK_PORT" > "$CASE_DIR/bye.csv"
e2e_sink_start sink1 "$E2E_SINK_PORT" 1 --send "$CASE_DIR/tone.wav"
e2e_scenario bye pause:2000 bye
e2e_sipp bye "$CASE_DIR/bye.xml" rec_bye
e2e_sink_stop sink1
started bye "caller BYE"
e2e_expect_rc bye 0 "recording call ended by the caller's BYE"
sleep 0.3                       # the writer thread finishes the file
check_wav bye "caller BYE"

printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 2))" > "$CASE_DIR/timer.csv"
e2e_sink_start sink2 "$((E2E_SINK_PORT + 2))" 1 --send "$CASE_DIR/tone.wav"
e2e_scenario timer wait-bye:6000
e2e_sipp timer "$CASE_DIR/timer.xml" rec_timer
e2e_sink_stop sink2
started timer "stopSession from a timer"
e2e_expect_rc timer 0 "recording call ended by stopSession() from a timer"
sleep 0.3
check_wav timer "stopSession from a timer"

printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 4))" > "$CASE_DIR/term.csv"
e2e_sink_start sink3 "$((E2E_SINK_PORT + 4))" 1 --send "$CASE_DIR/tone.wav"
e2e_scenario term wait-bye:8000
e2e_sipp term "$CASE_DIR/term.xml" rec_term &
sipp_job=$!
for ((i = 0; i < 50; i++)); do
	grep -q '"recording"\|"error"' "$CASE_DIR/term.jsonl" 2>/dev/null && break
	sleep 0.1
done
sleep 2
e2e_log "SIGTERM to the server during the recording"
kill -TERM "$SEMS_PID"
for ((i = 0; i < 60; i++)); do kill -0 "$SEMS_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SEMS_PID" 2>/dev/null && e2e_fail "server did not stop within 6 s of SIGTERM during a recording"
SEMS_PID=
wait "$sipp_job"
e2e_sink_stop sink3
e2e_log "sipp term exit $(cat "$CASE_DIR/term.rc" 2>/dev/null) (not asserted)"
started term "SIGTERM of the server"
check_wav term "SIGTERM of the server"
e2e_pass
