#!/bin/bash
# run.sh: the soak test (`make soak`; not part of `make test` nor of CI):
# SOAK_CALLS calls, SOAK_CONCURRENT of them up at any time, each one an IVR
# call with a prompt, a recording and RFC 4733 keys; afterwards the server's
# RSS, open fds and threads must be back at their baseline.
#
# Usage: tests/soak/run.sh PREFIX     (PREFIX: `make install PREFIX=...` output)
#
# The server (127.0.0.1, SIP 5400, RTP 40000-41999) runs
# tests/soak/scripts/soak_ivr.py: answer, a 0.5 s prompt, then it records
# the caller into one WAV per call and collects the keys; after
# SOAK_HANGUP_S it logs the call's keys and hangs up.  The caller (sipp,
# tests/soak/scenarios/uac_soak.xml) sends the keys 1 5 # as RFC 4733
# events; sipp keeps SOAK_CONCURRENT calls up (-l) until SOAK_CALLS were
# placed (-m).
#
# Baseline: first a warm-up of SOAK_WARMUP calls at the same concurrency,
# then SOAK_BASELINE_WAIT s idle (the elastic worker pool's extras retire
# after 10 s; the SIP stack keeps a finished call's transactions for
# 64*T1 = 32 s), then RSS (VmRSS), open fds and threads of the server are
# read.  What the warm-up grows is not a leak: first-time caches (the
# decoded prompt), Python's imports and the script's module, the worker
# pool reaching its size, malloc's arenas and heap reaching the high-water
# mark of SOAK_CONCURRENT live calls.  A leak grows with the number of
# calls, which the SOAK_CALLS that follow multiply.
#
# During the run the three are sampled every SOAK_SAMPLE s (samples.csv);
# after the last call ended, every 2 s for at most SOAK_SETTLE s, until fds
# and threads are back at the baseline and RSS within SOAK_RSS_PCT %.
#
# Checks (a table; exit status 1 if any fails): SOAK_CALLS calls created,
# all successful, none failed (sipp's statistics), SOAK_CONCURRENT up at
# once; every call's logged keys are exactly "15#"; one recording per
# call, SOAK_WAV_SAMPLE of them (random) valid 8 kHz WAVs of a plausible
# length; fds == baseline, threads == baseline, RSS within SOAK_RSS_PCT %;
# no session left at shutdown.  The recordings are deleted at the end
# (SOAK_KEEP=1 keeps them).
#
# Environment (defaults): SOAK_CALLS (10000), SOAK_CONCURRENT (100),
# SOAK_RATE (calls/s sipp may start; 0.4 * SOAK_CONCURRENT, a little more
# than the calls' ~3.2 s allow, so -l is what limits), SOAK_HANGUP_S (3),
# SOAK_WARMUP (2 * SOAK_CONCURRENT), SOAK_BASELINE_WAIT (40), SOAK_SAMPLE
# (2), SOAK_SETTLE (60), SOAK_RSS_PCT (5), SOAK_WAV_SAMPLE (20), SOAK_KEEP
# (0), SOAK_LOGLEVEL (2), SOAK_MALLOC_STATS (0; 1: see malloc_probe),
# SOAK_OUT (build/soak: config, logs, sipp traces, samples.csv,
# results.txt).  A quick run while developing: SOAK_CALLS=500 make soak.

set -u

SOAK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SOAK_DIR/../.." && pwd)
export E2E_PREFIX=${1:?usage: tests/soak/run.sh PREFIX}
export E2E_CASE_DIR=${SOAK_OUT:-$ROOT/build/soak}
export E2E_PORT_BASE=5400 E2E_LOGLEVEL=${SOAK_LOGLEVEL:-2}
. "$ROOT/tests/e2e/lib.sh"
. "$ROOT/tests/e2e/uac_lib.sh"

CALLS=${SOAK_CALLS:-10000}
CONC=${SOAK_CONCURRENT:-100}
RATE=${SOAK_RATE:-$((CONC * 4 / 10 > 0 ? CONC * 4 / 10 : 1))}
HANGUP=${SOAK_HANGUP_S:-3}
WARMUP=${SOAK_WARMUP:-$((2 * CONC))}
BASELINE_WAIT=${SOAK_BASELINE_WAIT:-40}
SAMPLE=${SOAK_SAMPLE:-2}
SETTLE=${SOAK_SETTLE:-60}
RSS_PCT=${SOAK_RSS_PCT:-5}
WAV_SAMPLE=${SOAK_WAV_SAMPLE:-20}
KEYS='15#'           # what uac_soak.xml sends
PROMPT_MS=500
RTP_LOW=40000 RTP_HIGH=41999
PCAPS=/usr/share/sip-tester

# --- the server's /proc -------------------------------------------------------

status_field() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status" 2>/dev/null; }
rss_kib() { status_field "$SEMS_PID" VmRSS; }
threads() { status_field "$SEMS_PID" Threads; }
fds() { ls "/proc/$SEMS_PID/fd" 2>/dev/null | wc -l; }
within_pct() { awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { exit !(100 * (a - b) <= p * b) }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", 100 * (a - b) / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# SOAK_MALLOC_STATS=1 (gdb): where the memory is, at the baseline and at
# the end: glibc's malloc_stats() per arena (in the server's log, copied to
# malloc.txt), the blocks Python's allocator holds, /proc/PID/smaps
# (smaps.baseline, smaps.after: `check.py smaps` compares them)
malloc_probe() {
	[ "${SOAK_MALLOC_STATS:-0}" = 1 ] && command -v gdb > /dev/null || return 0
	local mark=$(wc -l < "$CASE_DIR/sems.log")
	echo "== $1: RSS $(rss_kib) KiB" >> "$CASE_DIR/malloc.txt"
	cp "/proc/$SEMS_PID/smaps" "$CASE_DIR/smaps.$1"
	gdb -p "$SEMS_PID" -batch -ex 'call (void) malloc_stats()' \
		-ex 'print (long) _Py_GetAllocatedBlocks()' 2>&1 | grep '^\$' >> "$CASE_DIR/malloc.txt"
	sleep 0.2
	tail -n +$((mark + 1)) "$CASE_DIR/sems.log" | grep -E 'Arena|system bytes|in use bytes|max mmap' >> "$CASE_DIR/malloc.txt"
	[ "$1" = after ] && "$PYTHON" "$SOAK_DIR/check.py" smaps "$CASE_DIR/smaps.baseline" \
		"$CASE_DIR/smaps.after" >> "$CASE_DIR/malloc.txt"
}

T0=$(date +%s)
# sample PHASE: one row of samples.csv
sample() {
	local cur=-
	[ -f "$CASE_DIR/$1.stat.csv" ] &&
		cur=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "CurrentCall") c = i }
			NR > 1 && c { v = $c } END { print (v == "" ? "-" : v) }' "$CASE_DIR/$1.stat.csv")
	echo "$(($(date +%s) - T0)),$1,$(rss_kib),$(fds),$(threads),$cur" >> "$CASE_DIR/samples.csv"
}

# --- set-up -------------------------------------------------------------------

e2e_init
command -v sipp > /dev/null || e2e_fail "sipp not installed (make deps-test)"
for k in 1 5 pound; do
	[ -f "$PCAPS/dtmf_2833_$k.pcap" ] || e2e_fail "no $PCAPS/dtmf_2833_$k.pcap (package sip-tester)"
done
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
SIPP_PORT=$((E2E_PORT_BASE + 2))
MEDIA_PORT=$E2E_SIPP_MEDIA_PORT
REC=$CASE_DIR/recordings
mkdir -p "$REC"
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 440 "$PROMPT_MS"
cp "$SOAK_DIR/scripts/soak_ivr.py" "$CASE_DIR/scripts/"
printf 'prompt=%s\nrecord_dir=%s\ndigits_log=%s\nhangup_s=%s\n' \
	"$CASE_DIR/prompt.wav" "$REC" "$CASE_DIR/digits.log" "$HANGUP" > "$CASE_DIR/etc/soak_ivr.conf"
e2e_write_config "rtp_low_port=$RTP_LOW" "rtp_high_port=$RTP_HIGH"
echo "t_s,phase,rss_kib,fds,threads,sipp_current_calls" > "$CASE_DIR/samples.csv"
e2e_start_server soak_ivr
COLD_RSS=$(rss_kib) COLD_FDS=$(fds) COLD_THREADS=$(threads)
sample start

# run_sipp NAME N: N calls, CONC at a time; samples while sipp runs
run_sipp() {
	local name=$1 n=$2 pid
	E2E_SIPP_TIMEOUT=$((n * (${HANGUP%.*} + 3) / CONC * 2 + 60)) uac_sipp_bg "$name" \
		"$SOAK_DIR/scenarios/uac_soak.xml" "$SIPP_PORT" -mi 127.0.0.1 -mp "$MEDIA_PORT" \
		-s soak_ivr -m "$n" -l "$CONC" -r "$RATE" -recv_timeout 20000 \
		-trace_stat -fd "$SAMPLE" -stf "$CASE_DIR/$name.stat.csv" "127.0.0.1:$E2E_SIP_PORT"
	eval "pid=\$UAC_SIPP_PID_$name"
	while kill -0 "$pid" 2>/dev/null; do
		e2e_server_alive
		sample "$name"
		sleep "$SAMPLE"
	done
	uac_sipp_wait "$name"
	e2e_server_alive
}

run_sipp warmup "$WARMUP"
read -r W_CREATED W_OK W_FAILED W_PEAK <<< "$("$PYTHON" "$SOAK_DIR/check.py" stat "$CASE_DIR/warmup.stat.csv")"
e2e_log "warm-up: $W_OK of $WARMUP calls ok, $W_FAILED failed; idle for $BASELINE_WAIT s"
sleep "$BASELINE_WAIT"
rm -f "$REC"/*.wav
mv "$CASE_DIR/digits.log" "$CASE_DIR/warmup.digits.log" 2>/dev/null
BASE_RSS=$(rss_kib) BASE_FDS=$(fds) BASE_THREADS=$(threads)
sample baseline
malloc_probe baseline
e2e_log "baseline: RSS $(mib "$BASE_RSS") MiB, $BASE_FDS fds, $BASE_THREADS threads (at start: $(mib "$COLD_RSS") MiB, $COLD_FDS, $COLD_THREADS)"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T_RUN=$(date +%s)
run_sipp soak "$CALLS"
T_END=$(date +%s)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
PEAK_RSS=$(awk -F, '$2 == "soak" && $3 > m { m = $3 } END { print m + 0 }' "$CASE_DIR/samples.csv")
PEAK_THREADS=$(awk -F, '$2 == "soak" && $5 > m { m = $5 } END { print m + 0 }' "$CASE_DIR/samples.csv")
PEAK_FDS=$(awk -F, '$2 == "soak" && $4 > m { m = $4 } END { print m + 0 }' "$CASE_DIR/samples.csv")

e2e_log "sipp done after $((T_END - T_RUN)) s; waiting (<= $SETTLE s) for fds, threads and RSS to come back"
for ((waited = 0; waited < SETTLE; waited += 2)); do
	[ "$(fds)" -le "$BASE_FDS" ] && [ "$(threads)" -le "$BASE_THREADS" ] &&
		within_pct "$(rss_kib)" "$BASE_RSS" "$RSS_PCT" && break
	sleep 2
	sample settle
done
AFTER_RSS=$(rss_kib) AFTER_FDS=$(fds) AFTER_THREADS=$(threads)
sample after
malloc_probe after
waited=$(($(date +%s) - T_END))

# --- checks -------------------------------------------------------------------

read -r CREATED OK FAILED PEAK <<< "$("$PYTHON" "$SOAK_DIR/check.py" stat "$CASE_DIR/soak.stat.csv")"
read -r K_CALLS K_OK K_WRONG K_MISSING K_EXTRA <<< \
	"$("$PYTHON" "$SOAK_DIR/check.py" keys "$CASE_DIR/soak.actions.log" "$CASE_DIR/digits.log" "$KEYS" 2> "$CASE_DIR/keys.err")"
WAV_MIN=$(awk -v h="$HANGUP" -v p="$PROMPT_MS" 'BEGIN { print h - p / 1000 - 0.5 }')
WAV_MAX=$HANGUP
read -r W_COUNT W_SAMPLED W_GOOD <<< \
	"$("$PYTHON" "$SOAK_DIR/check.py" wavs "$REC" "$WAV_SAMPLE" "$WAV_MIN" "$WAV_MAX" 2> "$CASE_DIR/wavs.err")"
: "${CREATED:=0}" "${OK:=0}" "${FAILED:=0}" "${PEAK:=0}" "${K_OK:=0}" "${K_WRONG:=0}" "${K_MISSING:=0}"
: "${K_EXTRA:=0}" "${W_COUNT:=0}" "${W_SAMPLED:=0}" "${W_GOOD:=0}"   # a sipp that never ran
ERRORS=$(grep -cE 'ERROR|Traceback' "$CASE_DIR/sems.log")
if (e2e_stop_server); then LEFT=0; else LEFT=$(cat "$CASE_DIR/reason"); fi
SEMS_PID=

FAILS=0
# row WHAT VALUE WANT OK(0/1)
row() {
	local verdict=PASS
	[ "$4" = 1 ] || { verdict=FAIL; FAILS=$((FAILS + 1)); }
	printf '%-34s %-24s %-22s %s\n' "$1" "$2" "$3" "$verdict" | tee -a "$CASE_DIR/results.txt"
}
is() { [ "$1" = "$2" ] && echo 1 || echo 0; }
{
	echo "sems soak: $(date -u +%FT%TZ), $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), load $LOAD_BEFORE before, $LOAD_AFTER after"
	echo "$CALLS calls, $CONC at a time (sipp -m $CALLS -l $CONC -r $RATE), hangup after $HANGUP s, keys $KEYS (RFC 4733), one recording per call; $((T_END - T_RUN)) s"
	echo "warm-up: $WARMUP calls ($W_OK ok, $W_FAILED failed); RSS at start $(mib "$COLD_RSS") MiB, $COLD_FDS fds, $COLD_THREADS threads"
	echo "during the run (every $SAMPLE s): peak RSS $(mib "$PEAK_RSS") MiB, peak fds $PEAK_FDS, peak threads $PEAK_THREADS; after: $waited s after the last call"
	printf '%-34s %-24s %-22s %s\n' check measured wanted result
} | tee "$CASE_DIR/results.txt"
row "calls created" "$CREATED" "$CALLS" "$(is "$CREATED" "$CALLS")"
row "calls successful / failed" "$OK / $FAILED" "$CALLS / 0" "$( ((OK == CALLS && FAILED == 0)) && echo 1 || echo 0)"
row "calls up at once (peak)" "$PEAK" ">= $CONC" "$( ((PEAK >= CONC)) && echo 1 || echo 0)"
row "calls with keys $KEYS logged" "$K_OK (wrong $K_WRONG, none $K_MISSING)" "$CALLS" "$( ((K_OK == CALLS && K_WRONG == 0 && K_EXTRA == 0)) && echo 1 || echo 0)"
row "recordings" "$W_COUNT" "$CALLS" "$(is "$W_COUNT" "$CALLS")"
row "  sampled: valid, ${WAV_MIN}-${WAV_MAX} s" "$W_GOOD of $W_SAMPLED" "$W_SAMPLED of $W_SAMPLED" "$( ((W_SAMPLED > 0 && W_GOOD == W_SAMPLED)) && echo 1 || echo 0)"
row "open fds" "$BASE_FDS -> $AFTER_FDS" "== baseline" "$(is "$AFTER_FDS" "$BASE_FDS")"
row "threads" "$BASE_THREADS -> $AFTER_THREADS" "== baseline" "$(is "$AFTER_THREADS" "$BASE_THREADS")"
row "RSS MiB" "$(mib "$BASE_RSS") -> $(mib "$AFTER_RSS") ($(pct "$AFTER_RSS" "$BASE_RSS") %)" "<= +$RSS_PCT %" \
	"$(within_pct "$AFTER_RSS" "$BASE_RSS" "$RSS_PCT" && echo 1 || echo 0)"
row "sessions left at shutdown" "$LEFT" "0" "$(is "$LEFT" 0)"
echo "server log: $ERRORS ERROR/Traceback lines; samples: $CASE_DIR/samples.csv" | tee -a "$CASE_DIR/results.txt"
[ -s "$CASE_DIR/keys.err" ] && { echo "keys:"; head -5 "$CASE_DIR/keys.err"; }
[ -s "$CASE_DIR/wavs.err" ] && { echo "recordings:"; head -5 "$CASE_DIR/wavs.err"; }
[ "${SOAK_KEEP:-0}" = 1 ] || rm -rf "$REC"
((FAILS == 0)) && { e2e_log "soak: PASS"; exit 0; }
e2e_log "soak: $FAILS check(s) failed"
exit 1
