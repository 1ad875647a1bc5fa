#!/bin/bash
# 23: IvrAudioFile.tts() of a 12-word sentence is played, then the server
# sends BYE: the caller receives speech (decoded RMS > 500 over the loud
# part, 1.5-8 s from the first to the last loud packet), and TTS leaves no
# file: strace on the server during the call sees no file created (no open
# with O_CREAT, creat, mkdir, link, rename), and the server holds no /tmp
# file open (deleted or not) while it plays.  (A listing of /tmp before and
# after also saw the files of whatever else ran on the machine.)
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
text="The quick brown fox jumps over the lazy dog near the river bank."
e2e_add_script_as tts_prompt tts_prompt "out=$ev" "text=$text"
e2e_write_config
e2e_start_server tts_prompt

strace -f -qq -e trace=open,openat,openat2,creat,mkdir,mkdirat,link,linkat,rename,renameat,renameat2 \
	-o "$CASE_DIR/files.strace" -p "$SEMS_PID" &
tracer=$!
e2e_track "$tracer"
sleep 0.5          # attached to every thread before the call
e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo --save "$CASE_DIR/heard.wav"
(
	while :; do
		ls -l "/proc/$SEMS_PID/fd" 2>/dev/null | grep -o '/tmp/.*' >> "$CASE_DIR/fd.during"
		sleep 0.1
	done
) &
watch=$!
e2e_track "$watch"
e2e_sipp call uac_ends_by_server.xml tts_prompt
e2e_kill_pid "$watch" 5
e2e_kill_pid "$tracer" 5
e2e_sink_stop sink
e2e_expect_rc call 0 "call to tts_prompt (want the server's BYE)"
e2e_check_events "$ev" "[e['ev'] for e in E] == ['tts', 'played'] or 'script saw %s' % [(e['ev'], e.get('what')) for e in E]"
e2e_check sink "P['packets'] > 0 or 'no RTP received'"
e2e_check sink "P['loud_first'] is not None or 'only silence received (RMS %.0f)' % P['rms']"
e2e_check sink "1.5 <= P['loud_last'] - P['loud_first'] <= 8 or 'speech lasted %.2f s, want 1.5-8 s for 12 words' % (P['loud_last'] - P['loud_first'])"
"$PYTHON" - "$CASE_DIR/heard.wav" <<'PYEOF' > "$CASE_DIR/heard.rms" || e2e_fail "heard.wav: $(cat "$CASE_DIR/heard.rms")"
import struct, sys, wave
w = wave.open(sys.argv[1]); raw = w.readframes(w.getnframes())
s = struct.unpack("<%dh" % (len(raw) // 2), raw)
frames = [s[i:i + 160] for i in range(0, len(s) - 159, 160)]
loud = [f for f in frames if (sum(v * v for v in f) / 160) ** 0.5 > 300]
rms = (sum(v * v for f in loud for v in f) / (160 * len(loud))) ** 0.5 if loud else 0
print("loud frames %d, rms %.0f" % (len(loud), rms))
sys.exit(0 if rms > 500 and len(loud) >= 50 else 1)
PYEOF
[ -s "$CASE_DIR/files.strace" ] || e2e_fail "strace saw nothing (not attached?)"
made=$(grep -E 'O_CREAT|^[0-9]+ +(creat|mkdir|mkdirat|link|linkat|rename|renameat|renameat2)\(' "$CASE_DIR/files.strace" | grep -v ' = -1 ' | grep -vF "$CASE_DIR/" | head -3)
[ -z "$made" ] || e2e_fail "the server created files during the TTS call: $made"
[ ! -s "$CASE_DIR/fd.during" ] || e2e_fail "the server held /tmp files open: $(sort -u "$CASE_DIR/fd.during" | head -3 | tr '\n' ' ')"
e2e_stop_server
e2e_pass
