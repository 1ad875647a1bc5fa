#!/bin/bash
# 95: recording into a full file system.  The recording directory is a 48 KiB
# tmpfs (unmounted on exit, on failure too); a call plays a 400 Hz prompt
# while recording the caller's 1 kHz tone for 5 s (80 KB of PCM16), and a
# second call in parallel records into the case dir.  The server logs one
# error naming the file and ENOSPC (not one per frame), the full call goes on
# (the prompt's RTP for the whole 5 s, 200 to the caller's BYE), its file is
# a valid WAV whose header matches the data in it, the parallel recording is
# complete; once the file is removed, a new call records again.  Then the
# fs is read-only, and another recording's path goes through a regular file:
# open(AUDIO_WRITE) raises IOError (OSError) "IvrAudioFile.open: cannot
# open 'FILE': REASON",
# the script catches it and plays its prompt, the call ends normally.
. "$(dirname "$0")/../lib.sh"
e2e_init
full=$CASE_DIR/full
mkdir -p "$full"
mount -t tmpfs -o size=48k tmpfs "$full" || e2e_fail "cannot mount a tmpfs on $full"
trap 'e2e_cleanup; umount "$full" 2>/dev/null' EXIT
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/tone.wav" 1000 5000 || e2e_fail "could not write tone.wav"
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "could not write prompt.wav"
e2e_add_script_as fault_probe rec_full "out=$CASE_DIR/full.jsonl" "file=$full/rec.wav" mode=record "prompt=$CASE_DIR/prompt.wav"
e2e_add_script_as fault_probe rec_ok "out=$CASE_DIR/ok.jsonl" "file=$CASE_DIR/ok.wav" mode=record "prompt=$CASE_DIR/prompt.wav"
e2e_add_script_as fault_probe rec_ro "out=$CASE_DIR/ro.jsonl" "file=$full/ro.wav" mode=record "prompt=$CASE_DIR/prompt.wav"
e2e_add_script_as fault_probe rec_notdir "out=$CASE_DIR/notdir.jsonl" "file=$CASE_DIR/prompt.wav/x.wav" mode=record "prompt=$CASE_DIR/prompt.wav"
e2e_write_config
e2e_start_server rec_full rec_ok rec_ro rec_notdir

n_wav=0
check_wav() { # FILE what [PYEXPR]
	[ -f "$1" ] || e2e_fail "$2: no recording $1"
	local j=$CASE_DIR/wav$((++n_wav)).json
	"$PYTHON" "$E2E_DIR/wav_check.py" "$1" > "$j"
	e2e_log "$2: $(cat "$j")"
	e2e_check_events "$j" "E[0]['valid'] or '$2: invalid WAV: ' + E[0]['why']"
	e2e_check_events "$j" "${3:-True}"
}

e2e_scenario call pause:5000 bye
printf 'SEQUENTIAL\n%s;\n' "$E2E_SINK_PORT" > "$CASE_DIR/full_call.csv"
printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 2))" > "$CASE_DIR/ok_call.csv"
e2e_sink_start sink1 "$E2E_SINK_PORT" 1 --send "$CASE_DIR/tone.wav"
e2e_sink_start sink2 "$((E2E_SINK_PORT + 2))" 1 --send "$CASE_DIR/tone.wav"
e2e_sipp full_call "$CASE_DIR/call.xml" rec_full &
bg=$!
e2e_track $bg
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
e2e_sipp ok_call "$CASE_DIR/call.xml" rec_ok
wait $bg
e2e_sink_stop sink1
e2e_sink_stop sink2
e2e_expect_rc full_call 0 "the call recording into the full fs (want 200 to its BYE)"
e2e_expect_rc ok_call 0 "the parallel call"
e2e_check sink1 "P['packets'] >= 240 or 'the caller of the full recording got %d RTP packets in 5 s, want >= 240' % P['packets']"
e2e_check sink1 "P['max_gap_ms'] < 200 or 'RTP to that caller stalled %d ms' % P['max_gap_ms']"
e2e_check sink1 "P['rms'] > 1000 or 'that caller heard no prompt (RMS %d)' % P['rms']"
sleep 0.3                       # the writer thread finishes the files
n=$(grep -c "recording '$full/rec.wav': write failed: No space left on device" "$CASE_DIR/sems.log")
e2e_log "ENOSPC lines: $n: $(grep -m1 'No space left' "$CASE_DIR/sems.log")"
[ "$n" = 1 ] || e2e_fail "want one 'recording '$full/rec.wav': write failed: No space left on device' line, got $n"
check_wav "$full/rec.wav" "the recording that filled the fs" "1.0 <= E[0]['seconds'] < 3.2 or 'it holds %.2f s, want 1-3.2 s (48 KiB)' % E[0]['seconds']"
check_wav "$CASE_DIR/ok.wav" "the parallel recording" "4.5 <= E[0]['tone_seconds'] <= 5.2 and E[0]['dominant_hz'] == 1000 or 'it holds %.2f s of 1 kHz (dominant %s Hz), want 4.5-5.2 s' % (E[0]['tone_seconds'], E[0]['dominant_hz'])"

rm -f "$full/rec.wav"
e2e_scenario again pause:1500 bye
printf 'SEQUENTIAL\n%s;\n' "$E2E_SINK_PORT" > "$CASE_DIR/again.csv"
e2e_sink_start sink3 "$E2E_SINK_PORT" 1 --send "$CASE_DIR/tone.wav"
e2e_sipp again "$CASE_DIR/again.xml" rec_full
e2e_sink_stop sink3
e2e_expect_rc again 0 "the call after space was freed"
sleep 0.3
check_wav "$full/rec.wav" "the recording after space was freed" "1.2 <= E[0]['tone_seconds'] <= 1.7 or 'it holds %.2f s of 1 kHz, want 1.2-1.7 s' % E[0]['tone_seconds']"
n=$(grep -c "No space left on device" "$CASE_DIR/sems.log")
[ "$n" = 1 ] || e2e_fail "the recording after space was freed logged ENOSPC again ($n lines)"

# unwritable: a read-only mount (root ignores permission bits) and a path
# through a regular file: open(AUDIO_WRITE) raises IOError naming the file
# and the reason, the script catches it and the call goes on
mount -o remount,ro "$full" || e2e_fail "cannot remount $full read-only"
e2e_scenario short pause:1000 bye
for app in rec_ro rec_notdir; do
	printf 'SEQUENTIAL\n%s;\n' "$E2E_SINK_PORT" > "$CASE_DIR/$app.csv"
	e2e_sink_start "s_$app" "$E2E_SINK_PORT" 1 --echo
	e2e_sipp "$app" "$CASE_DIR/short.xml" "$app"
	e2e_sink_stop "s_$app"
	e2e_expect_rc "$app" 0 "$app: the call whose recording cannot be opened goes on (200 to BYE)"
	e2e_check "s_$app" "P['packets'] >= 40 and P['rms'] > 1000 or '$app: the caller got %d packets, RMS %d: no prompt' % (P['packets'], P['rms'])"
done
e2e_check_events "$CASE_DIR/ro.jsonl" "E[0]['ev'] == 'error' and E[0]['type'] == 'OSError' and E[0]['what'] == \"IvrAudioFile.open: cannot open '$full/ro.wav': Read-only file system\" or 'read-only: the script saw %s' % E"
e2e_check_events "$CASE_DIR/notdir.jsonl" "E[0]['ev'] == 'error' and E[0]['type'] == 'OSError' and E[0]['what'] == \"IvrAudioFile.open: cannot open '$CASE_DIR/prompt.wav/x.wav': Not a directory\" or 'not a directory: the script saw %s' % E"
e2e_stop_server
e2e_pass
