#!/bin/bash
# run.sh: the load benchmark (`make bench`): concurrent announcement calls against a staged install, one table.
#
# Usage: bench/run.sh PREFIX      (PREFIX: `make install PREFIX=...` output)
#
# One server (SIP 127.0.0.1:5190, RTP 10000-17999) runs two applications,
# each measured over the same steps (BENCH_MODES): `play`
# (bench/scripts/bench_loop.py loops the installed welcome.wav until the
# caller hangs up) and `record` (bench_record.py loops it too and records
# the caller to an anonymous WAV for the whole call, DTMF detection on).
# For each mode and step of N concurrent calls, sipp places N calls at BENCH_RATE
# per second (bench/scenarios/uac_hold.xml: INVITE, ACK, hold BENCH_HOLD s,
# BYE) while this script samples the server every 0.5 s: RSS and threads
# (/proc/PID/status), open descriptors (one RTP socket per call, so the live
# call count), and CPU (/proc/PID/stat utime+stime) over the steady period,
# when all N calls are up.  A sample of the calls (BENCH_SAMPLE, evenly
# spread) sends its RTP to bench/rtp_meter.py, which times every packet and
# answers with 50 pps (symmetric RTP); the other calls' RTP goes to a port
# nobody reads, so the server does all the sending work.
#
# A benchmark, not a test: a step that cannot be reached is reported as
# such; the exit status is non-zero only if the server died.
#
# Environment: BENCH_MODES ("play record"), BENCH_STEPS ("100 500 1000 2000"), BENCH_HOLD (30 s),
# BENCH_RATE (200 calls/s), BENCH_SAMPLE (50 calls measured per step),
# BENCH_PAUSE (2 s between steps), BENCH_RTP_LOW/HIGH (10000-17999),
# BENCH_OUT (build/bench: config, logs, sipp traces, results.txt).

set -u

PREFIX=${1:?usage: bench/run.sh PREFIX}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT=${BENCH_OUT:-$ROOT/build/bench}
PYTHON=/usr/bin/python3
STEPS=${BENCH_STEPS:-100 500 1000 2000}
MODES=${BENCH_MODES:-play record}
HOLD=${BENCH_HOLD:-30}
RATE=${BENCH_RATE:-200}
SAMPLE=${BENCH_SAMPLE:-50}

SIP_PORT=5190
SIPP_PORT=5192
RTP_LOW=${BENCH_RTP_LOW:-10000}
RTP_HIGH=${BENCH_RTP_HIGH:-17999}
METER_PORT=18000        # .. +2*SAMPLE
BLACKHOLE_PORT=18900
HZ=$(getconf CLK_TCK)
CORES=$(nproc)

SEMS_PID='' METER_PID='' SIPP_PID=''
SERVER_DIED=

log() { echo "[$(date +%T)] $*" >&2; }

kill_pid() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	kill_pid "$SIPP_PID"
	kill_pid "$METER_PID"
	kill_pid "$SEMS_PID"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- /proc readings of the server ------------------------------------------

status_kib() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status" 2>/dev/null; }
rss_kib() { status_kib "$1" VmRSS; }
threads() { status_kib "$1" Threads; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
# sockets only: one RTP socket per call (recordings hold files, not sockets)
sockets() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
# utime + stime in clock ticks (fields 14 and 15; comm may hold spaces)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
# busy and total jiffies of the whole host
host_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
alive() { kill -0 "$SEMS_PID" 2>/dev/null; }
# pct_core TICKS0 TICKS1 T0 T1: CPU between two readings, in % of one core
pct_core() {
	awk -v c="$(($2 - $1))" -v hz="$HZ" -v a="$3" -v b="$4" \
		'BEGIN { w = b - a; if (w < 0.5) print "-"; else printf "%.0f", 100 * c / hz / w }'
}

# --- set-up -------------------------------------------------------------------

preflight() {
	[ -x "$PREFIX/sbin/sems" ] || { log "no server at $PREFIX/sbin/sems"; exit 2; }
	command -v sipp >/dev/null || { log "sipp not installed (apt-get install sip-tester)"; exit 2; }
	ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
	local p
	for p in $SIP_PORT $SIPP_PORT $BLACKHOLE_PORT; do
		[ -z "$(ss -Hunl "sport = :$p" 2>/dev/null)" ] || { log "UDP port $p busy"; exit 2; }
	done
	rm -rf "$OUT"
	mkdir -p "$OUT/scripts" "$OUT/etc"
}

write_config() {
	cp "$BENCH_DIR/scripts/bench_loop.py" "$BENCH_DIR/scripts/bench_record.py" "$OUT/scripts/"
	mkdir -p "$OUT/recordings"
	echo "announcement=$PREFIX/lib/sems/audio/welcome.wav" > "$OUT/etc/bench_loop.conf"
	{ echo "announcement=$PREFIX/lib/sems/audio/welcome.wav"
	  echo "record_dir=$OUT/recordings"; } > "$OUT/etc/bench_record.conf"
	echo "script_path=$OUT/scripts" > "$OUT/etc/ivr.conf"
	cat > "$OUT/sems.conf" <<-EOF
	sip_ip=127.0.0.1
	sip_port=$SIP_PORT
	media_ip=127.0.0.1
	rtp_low_port=$RTP_LOW
	rtp_high_port=$RTP_HIGH
	plugin_path=$PREFIX/lib/sems/plug-in
	load_plugins=ivr
	plugin_config_path=$OUT/etc
	application=\$(ruri.user)
	loglevel=1
	stderr=yes
	fork=no
	session_processor_threads=4
	media_processor_threads=$CORES
	dead_rtp_time=0
	signature=sems-bench
	EOF
}

start_server() {
	local i
	"$PREFIX/sbin/sems" -f "$OUT/sems.conf" -E -D 1 > "$OUT/sems.log" 2>&1 &
	SEMS_PID=$!
	for ((i = 0; i < 100; i++)); do
		alive || { log "server exited at start-up: $(tail -3 "$OUT/sems.log")"; exit 1; }
		[ -n "$(ss -Hunl "sport = :$SIP_PORT" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	log "server not listening on $SIP_PORT after 10 s"
	exit 1
}

# Up to 50 s bound: a stopped server must not leave RTP sockets behind.
stop_server() {
	local i
	alive || { SERVER_DIED="died"; return 1; }
	kill -TERM "$SEMS_PID"
	for ((i = 0; i < 50; i++)); do
		alive || break
		sleep 0.1
	done
	alive && { log "server ignored SIGTERM for 5 s, SIGKILL"; kill -KILL "$SEMS_PID"; }
	wait "$SEMS_PID"
	log "server exit status $?"
	SEMS_PID=
}

# --- one step -----------------------------------------------------------------

# write_csv NAME N S: call i sends RTP to a meter port if sampled, else the blackhole.
write_csv() {
	local name=$1 n=$2 s=$3 i k
	k=$(((n + s - 1) / s))
	{
		echo SEQUENTIAL
		for ((i = 0; i < n; i++)); do
			if ((i % k == 0 && i / k < s)); then
				echo "$((METER_PORT + 2 * (i / k)));"
			else
				echo "$BLACKHOLE_PORT;"
			fi
		done
	} > "$OUT/$name.csv"
}

start_meter() {
	local name=$1 count=$2 i
	rm -f "$OUT/$name.ready"
	"$PYTHON" "$BENCH_DIR/rtp_meter.py" --port "$METER_PORT" --count "$count" \
		--blackhole "$BLACKHOLE_PORT" --out "$OUT/$name.rtp.json" \
		--ready "$OUT/$name.ready" --duration $((HOLD * 3 + 120)) \
		> "$OUT/$name.meter.log" 2>&1 &
	METER_PID=$!
	for ((i = 0; i < 50; i++)); do
		[ -f "$OUT/$name.ready" ] && return 0
		kill -0 "$METER_PID" 2>/dev/null || break
		sleep 0.1
	done
	log "rtp meter did not start: $(tail -2 "$OUT/$name.meter.log")"
	return 1
}

start_sipp() {
	local name=$1 n=$2 rate=$3 hold_s=$4 app=${5:-bench_loop}
	(cd "$OUT" && exec sipp -sf "$BENCH_DIR/scenarios/uac_hold.xml" \
		-i 127.0.0.1 -p "$SIPP_PORT" -s "$app" -inf "$OUT/$name.csv" \
		-d $((hold_s * 1000)) -l "$n" -m "$n" -r "$rate" -rp 1000 \
		-timeout "$((n / rate + hold_s + 40))s" -timeout_error \
		-recv_timeout 20000 -nostdin \
		-trace_screen -screen_file "$OUT/$name.screen.log" \
		-trace_err -error_file "$OUT/$name.err.log" \
		"127.0.0.1:$SIP_PORT" > "$OUT/$name.sipp.out" 2>&1) &
	SIPP_PID=$!
}

sipp_count() {
	awk -F'|' -v k="$2" '$1 ~ k { gsub(/ /, "", $3); n = $3 } END { print n + 0 }' \
		"$OUT/$1.screen.log" 2>/dev/null
}

# rtp_summary NAME: "measured pps_median max_gap_ms late% lost" of the sample
rtp_summary() {
	"$PYTHON" - "$OUT/$1.rtp.json" <<'EOF' 2>/dev/null || echo "0 - - - -"
import json, sys
ports = list(json.load(open(sys.argv[1]))["ports"].values())
got = [p for p in ports if p["packets"] > 1]
if not got:
    print("0/%d - - - -" % len(ports)); sys.exit()
pps = sorted(p["pps"] for p in got)[len(got) // 2]
pkts = sum(p["packets"] for p in got)
late = 100.0 * sum(p["late"] for p in got) / pkts
print("%d/%d %.1f %.0f %.2f %d" % (len(got), len(ports), pps,
      max(p["max_gap_ms"] for p in got), late, sum(p["lost"] for p in got)))
EOF
}

# run_step MODE N: one row of the table on stdout (and in results.txt).
run_step() {
	local mode=$1 n=$2 name="$1$2" app=bench_loop s t0 now rss fd th active i
	local idle_rss idle_fds idle_th peak_rss=0 peak_active=0 peak_th=0
	local cs ws c0='' h0='' w0='' c1='' h1='' w1='' reached=no cpu=- ramp=- host=- kib=- after_rss ok failed rtp note=''
	[ "$mode" = record ] && app=bench_record
	s=$((SAMPLE < n ? SAMPLE : n))
	write_csv "$name" "$n" "$s"
	start_meter "$name" "$s" || return 1
	idle_rss=$(rss_kib "$SEMS_PID"); idle_fds=$(sockets "$SEMS_PID"); idle_th=$(threads "$SEMS_PID")
	log "step $mode $n: $n calls at $RATE/s, hold $HOLD s, RTP of $s measured (idle RSS ${idle_rss} KiB, $idle_fds fds)"
	cs=$(cpu_ticks "$SEMS_PID")
	start_sipp "$name" "$n" "$RATE" "$HOLD" "$app"
	t0=$(date +%s.%N)
	ws=$t0
	while kill -0 "$SIPP_PID" 2>/dev/null; do
		if ! alive; then
			wait "$SEMS_PID"
			SERVER_DIED="died during step $n (exit status $?, >128: signal)"
			kill_pid "$SIPP_PID"
			break
		fi
		now=$(date +%s.%N)
		rss=$(rss_kib "$SEMS_PID"); fd=$(sockets "$SEMS_PID"); th=$(threads "$SEMS_PID")
		active=$((fd - idle_fds))
		((rss > peak_rss)) && peak_rss=$rss
		((active > peak_active)) && peak_active=$active
		((th > peak_th)) && peak_th=$th
		# steady: all calls up (or the ramp is 5 s overdue), until the first BYE
		if [ -z "$c0" ] && { ((active >= n)) || awk -v a="$now" -v b="$t0" -v r="$((n / RATE + 5))" 'BEGIN { exit !(a - b > r) }'; }; then
			((active >= n)) && reached=yes
			c0=$(cpu_ticks "$SEMS_PID"); h0=$(host_ticks); w0=$now
		fi
		if [ -n "$c0" ] && [ -z "$c1" ] && awk -v a="$now" -v b="$t0" -v h="$HOLD" 'BEGIN { exit !(a - b > h - 1) }'; then
			c1=$(cpu_ticks "$SEMS_PID"); h1=$(host_ticks); w1=$now
		fi
		sleep 0.5
	done
	wait "$SIPP_PID" 2>/dev/null
	echo $? > "$OUT/$name.sipp.rc"
	SIPP_PID=
	# calls end: wait (15 s bound) for their sockets to close
	for ((i = 0; i < 30; i++)); do
		alive || break
		(($(sockets "$SEMS_PID") <= idle_fds)) && break
		sleep 0.5
	done
	after_rss=$(rss_kib "$SEMS_PID")
	kill_pid "$METER_PID"; METER_PID=

	[ -n "$c0" ] && ramp=$(pct_core "$cs" "$c0" "$ws" "$w0")
	if [ -n "$c1" ] && awk -v a="$w1" -v b="$w0" 'BEGIN { exit !(a - b >= 2) }'; then
		cpu=$(pct_core "$c0" "$c1" "$w0" "$w1")
		set -- $h0 $h1
		host=$(awk -v b="$(($3 - $1))" -v t="$(($4 - $2))" 'BEGIN { printf "%.0f", t ? 100 * b / t : 0 }')
	fi
	((peak_active > 0)) && kib=$(((peak_rss - BASE_RSS) / peak_active))
	ok=$(sipp_count "$name" "Successful call"); failed=$(sipp_count "$name" "Failed call")
	rtp=$(rtp_summary "$name")
	[ "$reached" = yes ] || note="not reached: peak $peak_active"
	[ -n "$SERVER_DIED" ] && note="SERVER DIED"
	((n / RATE + 3 > HOLD)) && note="${note:+$note; }ramp longer than hold"
	# shellcheck disable=SC2086
	set -- $rtp
	printf '%6s %6s %6s %6s %6s %6s %6s %6s %8s %8s %8s %7s %7s %7s %7s %7s %7s  %s\n' \
		"$mode" "$n" "$ok" "$failed" "$peak_active" "$ramp" "$cpu" "$host" \
		"$(awk -v k="$peak_rss" 'BEGIN { printf "%.1f", k / 1024 }')" "$kib" \
		"$(awk -v k="$after_rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$idle_th/$peak_th" "$1" "${2:--}" "${3:--}" "${4:--}" "${5:--}" "$note" | tee -a "$OUT/results.txt"
	return 0
}

header() {
	{
		echo "sems load benchmark: $(date -u +%FT%TZ), $CORES cores, hold $HOLD s, $RATE calls/s, media_processor_threads=$CORES"
		printf '%6s %6s %6s %6s %6s %6s %6s %6s %8s %8s %8s %7s %7s %7s %7s %7s %7s  %s\n' \
			mode calls ok failed peak ramp% cpu% host% rssMiB KiB/call afterMiB threads rtp_n pps/call maxgap late% lost note
	} | tee "$OUT/results.txt"
}

# --- main -----------------------------------------------------------------

preflight
write_config
start_server
log "server pid $SEMS_PID on 127.0.0.1:$SIP_PORT, $CORES media threads; warm-up"
# warm-up: Python handlers and the audio cache are loaded by the first calls
write_csv warmup 5 5
start_meter warmup 5 && { start_sipp warmup 5 5 2; wait "$SIPP_PID"; SIPP_PID=; kill_pid "$METER_PID"; METER_PID=; }
sleep 1
alive || { log "server died during warm-up: $(tail -5 "$OUT/sems.log")"; exit 1; }
BASE_RSS=$(rss_kib "$SEMS_PID")
log "warm-up: $(sipp_count warmup "Successful call") of 5 calls ok"

header
for mode in $MODES; do
	for n in $STEPS; do
		run_step "$mode" "$n" || log "step $mode $n skipped"
		[ -n "$SERVER_DIED" ] && break 2
		sleep "${BENCH_PAUSE:-2}"
	done
done

echo "columns: peak = live calls seen by the server (its RTP sockets); cpu% = server CPU over the steady" \
	"period (all calls up, before the first BYE) in % of one core; ramp% = the same while the calls were being set up; host% = whole machine busy (all $CORES cores, sipp and meter included);" \
	"rssMiB = server peak RSS; KiB/call = (peak RSS - RSS after warm-up) / peak (freed call memory stays in malloc's arenas and is reused, so idle RSS grows to the largest step's); afterMiB = RSS once the calls ended;" \
	"threads = idle/peak; rtp_n = sampled calls with RTP / sampled; pps/call = median; maxgap = largest" \
	"inter-arrival gap (ms) of any sampled call; late% = packets > 20 ms behind the call's best-case clock;" \
	"lost = sequence gaps; mode play = announcement only, record = announcement + recording + DTMF detection.  Per-call detail: $OUT/MODEN.rtp.json" | fold -s -w 100 | tee -a "$OUT/results.txt"
if [ -n "$SERVER_DIED" ]; then
	log "SERVER $SERVER_DIED: $(tail -5 "$OUT/sems.log")"
	exit 1
fi
stop_server || { log "server $SERVER_DIED"; exit 1; }
log "server log: $(wc -l < "$OUT/sems.log") lines ($OUT/sems.log); results in $OUT/results.txt"
exit 0
