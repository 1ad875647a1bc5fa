#!/bin/bash
# 96: a prompt deleted while playing, and put back.  A call playing a 3 s
# 400 Hz prompt whose file is deleted 1 s in hears all 3 s of it, then the
# server's BYE.  After the deletion, open() raises IOError naming the file
# and ENOENT: a script with a fallback plays it (1600 Hz), one without hangs
# up at once; the server keeps serving.  The file is put back as 1200 Hz
# (same length): a new call hears 1200 Hz.  While that call still plays it
# (so the decoded copy is cached), the file is overwritten in place (same
# inode and size, new mtime) with 800 Hz: the next call hears 800 Hz, the
# first one goes on with 1200 Hz.
. "$(dirname "$0")/../lib.sh"
e2e_init
p=$CASE_DIR/prompts/prompt.wav
mkdir -p "$CASE_DIR/prompts"
tone() { "$PYTHON" "$E2E_DIR/gen_audio.py" tone "$1" "$2" "$3" || e2e_fail "could not write $1"; }
tone "$p" 400 3000
tone "$CASE_DIR/fallback.wav" 1600 1000
e2e_add_script_as fault_probe play "out=$CASE_DIR/play.jsonl" mode=play "prompt=$p" "fallback=$CASE_DIR/fallback.wav"
e2e_add_script_as fault_probe play_strict "out=$CASE_DIR/strict.jsonl" mode=play "prompt=$p"
e2e_add_script_as fault_probe hold "out=$CASE_DIR/hold.jsonl" mode=hold "prompt=$p" hold_s=4
e2e_write_config
e2e_start_server play play_strict hold

sink_port=$E2E_SINK_PORT
# call NAME APP WAIT_MS [&]: one call that waits for the server's BYE, its
# audio saved to NAME.wav (sink NAME)
call_start() {
	printf 'SEQUENTIAL\n%s;\n' "$sink_port" > "$CASE_DIR/$1.csv"
	e2e_sink_start "$1" "$sink_port" 1 --echo --save "$CASE_DIR/$1.wav"
	sink_port=$((sink_port + 2))
	e2e_scenario "$1" "wait-bye:$3"
}
heard() { # NAME what PYEXPR(on wav_check's E[0]) [wav_check args]
	"$PYTHON" "$E2E_DIR/wav_check.py" "$CASE_DIR/$1.wav" "${@:4}" > "$CASE_DIR/$1.wav.json"
	e2e_log "$1 heard: $(cut -c1-300 "$CASE_DIR/$1.wav.json")"
	e2e_check_events "$CASE_DIR/$1.wav.json" "$3 or '$2: the caller heard %s Hz for %.2f s' % (E[0].get('dominant_hz'), E[0].get('seconds', 0))"
}

# 1: deleted 1 s into the prompt
call_start c1 play 8000
e2e_sipp c1 "$CASE_DIR/c1.xml" play &
bg=$!
e2e_track $bg
sleep 1
rm -f "$p"
wait $bg
e2e_sink_stop c1
e2e_expect_rc c1 0 "the call whose prompt was deleted while playing (want the server's BYE at its end)"
e2e_check c1 "P['loud_first'] and 2.85 <= P['loud_last'] - P['loud_first'] <= 3.15 or 'the prompt was heard for %s s, want 3' % (P['loud_last'] and P['loud_last'] - P['loud_first'])"
heard c1 "deleted while playing" "E[0]['dominant_hz'] == 400"

# 2, 3: after the deletion
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
call_start c2 play 5000
e2e_sipp c2 "$CASE_DIR/c2.xml" play
e2e_sink_stop c2
e2e_expect_rc c2 0 "the call after the deletion (script with a fallback)"
heard c2 "fallback" "E[0]['dominant_hz'] == 1600"
e2e_check_events "$CASE_DIR/play.jsonl" "[e['what'] for e in E if e['ev'] == 'error'] == [\"IvrAudioFile.open: cannot open '$p': No such file or directory\"] or 'the script saw %s' % E"
call_start c3 play_strict 3000
e2e_sipp c3 "$CASE_DIR/c3.xml" play_strict
e2e_sink_stop c3
e2e_expect_rc c3 0 "the call after the deletion (script without a fallback: BYE)"
e2e_check_events "$CASE_DIR/strict.jsonl" "[e['ev'] for e in E] == ['error'] and 'No such file or directory' in E[0]['what'] or 'the strict script saw %s' % E"
e2e_server_alive

# 4, 5: put back with other content, then overwritten in place
tone "$p" 1200 3000
ino=$(stat -c %i "$p")
call_start c4 hold 8000
e2e_sipp c4 "$CASE_DIR/c4.xml" hold &
bg=$!
e2e_track $bg
sleep 1.5
tone "$CASE_DIR/p800.wav" 800 3000
cat "$CASE_DIR/p800.wav" > "$p"          # same inode, same size, new mtime
[ "$(stat -c %i "$p")" = "$ino" ] || e2e_fail "the overwrite changed the inode"
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
call_start c5 play 8000
e2e_sipp c5 "$CASE_DIR/c5.xml" play
wait $bg
e2e_sink_stop c4
e2e_sink_stop c5
e2e_expect_rc c4 0 "the call after the file was put back (BYE after 4 s)"
e2e_expect_rc c5 0 "the call after the file was overwritten in place"
heard c4 "put back as 1200 Hz" "E[0]['dominant_hz'] == 1200 and E[0]['share'] > 0.95" --share 1200
heard c5 "overwritten in place with 800 Hz" "E[0]['dominant_hz'] == 800"
e2e_stop_server
e2e_pass
