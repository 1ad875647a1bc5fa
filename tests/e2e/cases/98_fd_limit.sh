#!/bin/bash
# 98: the file descriptor limit.  The server runs with RLIMIT_NOFILE 40
# (prlimit on its PID); 40 calls arrive (20/s) and hold for 8 s: those that
# would eat into the reserve the server keeps (8 fds, for accept() of SIP
# TCP and HTTP) get 503 "Service Unavailable (out of file descriptors)",
# each logged with the limit; 4 s in, each accepted call starts recording:
# at the reserve, open(AUDIO_WRITE) raises IOError "Too many open files" in
# its script, which goes on (and no file is created); at the limit /metrics still answers (an HTTP
# accept(): libre's would spin on EMFILE) and counts the 503s, and the
# server does not spin (its utime+stime over 3 s while full stays below
# 0.6 s: the accepted calls' media); the accepted calls end normally (BYE
# after 8 s), and once they ended three new calls succeed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops.sh"
e2e_init
ops_init
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "could not write prompt.wav"
mkdir -p "$CASE_DIR/rec"
e2e_add_script_as fault_probe hold "out=$CASE_DIR/hold.jsonl" mode=record "file=$CASE_DIR/rec/{call}.wav" "prompt=$CASE_DIR/prompt.wav" hold_s=8 rec_delay_s=4
e2e_add_script_as fault_probe short "out=$CASE_DIR/short.jsonl" mode=hold "prompt=$CASE_DIR/prompt.wav" hold_s=0.5
e2e_write_config http_listen=127.0.0.1:$E2E_HTTP_PORT
e2e_start_server hold short
prlimit --pid "$SEMS_PID" --nofile=40:40 || e2e_fail "prlimit on $SEMS_PID failed"
e2e_log "fds open at start: $(ls /proc/$SEMS_PID/fd | wc -l), limit: $(prlimit --pid "$SEMS_PID" --nofile -o SOFT --noheadings)"
e2e_sink_start sink "$E2E_SINK_PORT" 1

cpu() { awk '{ print $14 + $15 }' "/proc/$SEMS_PID/stat"; }   # clock ticks
e2e_scenario held wait-bye:15000
e2e_sipp held "$CASE_DIR/held.xml" hold -m 40 -l 40 -r 20 &
bg=$!
e2e_track $bg
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
sleep 3                                    # all 40 INVITEs answered
refused=$(grep -c "out of file descriptors (Too many open files; limit 40, 8 kept in reserve): 503" "$CASE_DIR/sems.log")
fds=$(ls "/proc/$SEMS_PID/fd" | wc -l)
# an HTTP connection at the limit first: a failing accept() would spin
ops_metrics "m('sems_invite_replies', code=503) == $refused or '%s 503s counted, want $refused' % m('sems_invite_replies', code=503)"
t0=$(cpu)
sleep 3
t1=$(cpu)
tick=$(getconf CLK_TCK)
e2e_log "at the limit: $fds fds open, $refused calls refused, cpu $((t1 - t0)) ticks in 3 s ($tick/s)"
e2e_log "log: $(grep -m1 'out of file descriptors' "$CASE_DIR/sems.log")"
[ "$refused" -ge 5 ] || e2e_fail "only $refused of 40 calls refused under a 40 fd limit, want >= 5"
[ $(((t1 - t0) * 10)) -lt $((tick * 6)) ] || e2e_fail "the server used $((t1 - t0)) ticks ($tick/s) of CPU in 3 s at the fd limit: it spins"
e2e_server_alive
wait $bg
e2e_sink_stop sink
ok=$(e2e_sipp_successful held)
e2e_log "held calls: $ok ended normally, 503s seen by sipp: $(grep -c '^SIP/2.0 503 Service Unavailable (out of file descriptors)' "$CASE_DIR/held.msg.log")"
[ $((ok + refused)) = 40 ] || e2e_fail "$ok calls ended normally and $refused were refused: want 40 in all"
e2e_check_events "$CASE_DIR/hold.jsonl" "len(calls) == $ok and all(e['ev'] in ('recording', 'timer', 'bye') or e['ev'] == 'error' and e['what'].startswith('IvrAudioFile.open: cannot open') and e['what'].endswith('.wav\\': Too many open files') for e in E) or 'the recording calls saw %s' % [e for e in E if e['ev'] not in ('recording', 'timer')]"
recs=$(grep -c '"ev": "recording"' "$CASE_DIR/hold.jsonl")
[ "$(grep -c "Too many open files" "$CASE_DIR/hold.jsonl")" -ge 1 ] || e2e_fail "no recording was refused at the fd limit"
[ "$recs" -lt 2 ] || e2e_fail "$recs recordings opened at the fd limit, want at most 1"

e2e_log "recordings: $recs opened, $((ok - recs)) refused at the reserve (IOError Too many open files, the call went on)"
left=$(ls "$CASE_DIR/rec" | wc -l)
[ "$left" = "$recs" ] || e2e_fail "$left files in the recording dir for $recs recordings: refused opens left files behind"
for f in "$CASE_DIR"/rec/*.wav; do
	[ -e "$f" ] || continue
	"$PYTHON" "$E2E_DIR/wav_check.py" "$f" | grep -q '"valid": true' || e2e_fail "recording $f at the fd limit is not a valid WAV"
done
# (the unexpected 503s are not ACKed by this scenario: retransmitted)
[ "$(grep -c '^SIP/2.0 503 Service Unavailable (out of file descriptors)' "$CASE_DIR/held.msg.log")" -ge "$refused" ] ||
	e2e_fail "the callers did not get $refused 503 'Service Unavailable (out of file descriptors)'"

e2e_scenario again wait-bye:5000
e2e_sipp again "$CASE_DIR/again.xml" short -m 3 -l 1 -r 10
e2e_expect_rc again 0 "new calls after the calls at the fd limit ended"
[ "$(e2e_sipp_successful again)" = 3 ] || e2e_fail "want 3 new calls after the limit, got $(e2e_sipp_successful again)"
n=$(grep -c "WARNING: call .*: out of file descriptors" "$CASE_DIR/sems.log")
[ "$n" = "$refused" ] || e2e_fail "calls after the limit were refused ($n refusals logged)"
e2e_stop_server
e2e_pass
