#!/bin/bash
# 29: record(file, max_ms=3000, max_silence_ms=800, finish_on_key="#",
# beep=True), three calls:
#   key      the caller talks (the tone) and sends "#" by INFO at 1.5 s ->
#            onRecordDone ("key", 900-1500 ms); silence would end it first
#   silence  the caller sends 1 s of 1 kHz then silence -> ("silence",
#            1200-2400 ms: the tone after the beep plus 800 ms of silence)
#   max      the caller sends the tone for 4 s -> ("max", 2900-3100 ms)
# Each recording is a valid WAV whose length matches duration_ms (+-60 ms),
# and each caller heard the beep: 1 kHz RMS > 2000 in the first 400 ms of the
# audio it received.
. "$(dirname "$0")/../lib.sh"
e2e_init
for m in key silence max; do
	e2e_add_script_as record_probe "rech_$m" "out=$CASE_DIR/$m.jsonl" "file=$CASE_DIR/$m.wav" mode=helper
done
e2e_write_config
e2e_start_server rech_key rech_silence rech_max
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/tone1s.wav" 1000 1000 || e2e_fail "could not write tone1s.wav"
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/tone4s.wav" 1000 4000 || e2e_fail "could not write tone4s.wav"

n=0
one_call() { # MODE SINK-ARGS SCENARIO-STEPS... ; then checks
	local m=$1 send=$2 port
	shift 2
	port=$((E2E_SINK_PORT + 2 * n))
	n=$((n + 1))
	printf 'SEQUENTIAL\n%s;\n' "$port" > "$CASE_DIR/$m.csv"
	e2e_sink_start "sink_$m" "$port" 1 $send --save "$CASE_DIR/heard_$m.wav"
	e2e_scenario "$m" "$@"
	e2e_sipp "$m" "$CASE_DIR/$m.xml" "rech_$m"
	e2e_sink_stop "sink_$m"
}
done_is() { # MODE REASON LO HI
	e2e_check_events "$CASE_DIR/$1.jsonl" "[e['reason'] for e in E if e['ev'] == 'done'] == ['$2'] or '$1: onRecordDone %s, want reason $2; script saw %s' % ([(e['reason'], e['duration_ms']) for e in E if e['ev'] == 'done'], [(e['ev'], e.get('what')) for e in E])"
	e2e_expect_rc "$1" 0 "record() call ending by $1 (want the server's BYE)"
	e2e_check_events "$CASE_DIR/$1.jsonl" "$3 <= [e['duration_ms'] for e in E if e['ev'] == 'done'][0] <= $4 or '$1: duration_ms %d, want $3-$4' % [e['duration_ms'] for e in E if e['ev'] == 'done'][0]"
	[ -f "$CASE_DIR/$1.wav" ] || e2e_fail "$1: no recording $1.wav"
	"$PYTHON" "$E2E_DIR/wav_check.py" "$CASE_DIR/$1.wav" > "$CASE_DIR/$1.wav.json"
	e2e_log "$1.wav: $(cat "$CASE_DIR/$1.wav.json")"
	e2e_check_events "$CASE_DIR/$1.wav.json" "E[0]['valid'] or '$1: invalid WAV: ' + E[0]['why']"
	local d
	d=$(sed -nE 's/.*"duration_ms": ([0-9]+).*/\1/p' "$CASE_DIR/$1.jsonl" | head -1)
	e2e_check_events "$CASE_DIR/$1.wav.json" "abs(E[0]['seconds'] * 1000 - $d) <= 60 or '$1: file holds %.0f ms, onRecordDone said $d' % (E[0]['seconds'] * 1000)"
	"$PYTHON" "$E2E_DIR/wav_check.py" "$CASE_DIR/heard_$1.wav" --tone 1000 --head 400 > "$CASE_DIR/heard_$1.json"
	e2e_check_events "$CASE_DIR/heard_$1.json" "E[0].get('head_tone_rms', 0) > 2000 or '$1: no beep heard: 1 kHz RMS %.0f in the first 400 ms received' % E[0].get('head_tone_rms', 0)"
}

one_call key "--send $CASE_DIR/tone4s.wav" pause:1500 'relay:#:100' wait-bye:5000
done_is key key 900 1500
one_call silence "--send $CASE_DIR/tone1s.wav" wait-bye:6000
done_is silence silence 1200 2400
one_call max "--send $CASE_DIR/tone4s.wav" wait-bye:6000
done_is max max 2900 3100
e2e_stop_server
e2e_pass
