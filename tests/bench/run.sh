#!/bin/bash
# run.sh: the load benchmark (`make bench`): blocking scripts, talking callers,
# setup rate, memory, recording; ours and, side by side, a reference SEMS 2.1.
#
# Usage: tests/bench/run.sh PREFIX [SEMS_REF]
#   PREFIX    `make install PREFIX=...` output (our server)
#   SEMS_REF  install prefix of a real SEMS 2.1 (also from the environment);
#             without it only ours is measured
#
# Each server runs alone on 127.0.0.1 (SIP 5190, RTP 20000-39999), with the
# same scripts (tests/bench/scripts), the same load generator (sipp 3.6,
# tests/bench/scenarios/uac_talk.xml) and the same meter (tests/bench/rtp_meter.py), one
# after the other in the same run.  Phases (BENCH_PHASES; by default in the
# order talk memory record block setup, so the per-call memory of the
# ladder is measured from a clean start):
#
#  block   BENCH_BLOCK_RATE (50) new calls/s for BENCH_BLOCK_SECS (60 s) to
#          bench_lookup.py, whose onSessionStart makes a blocking HTTP request
#          to tests/e2e/slow_http.py (answers after BENCH_BLOCK_DELAY, 1 s),
#          then plays a tone; every caller holds BENCH_BLOCK_HOLD (3 s) and its
#          RTP goes to the meter, which times the first non-silent packet.
#          Pass: no failed call, INVITE->200 p99 <= 100 ms, every caller hears
#          the tone within 1200 ms of the 200.
#  setup   BENCH_SETUP_RATE (200) new calls/s for BENCH_SETUP_SECS (60 s) to
#          bench_loop.py (announcement), each held BENCH_SETUP_HOLD (5 s).
#          Pass: no failed call, INVITE->200 p99 <= 20 ms.
#  talk    steps of N concurrent talking calls (BENCH_STEPS, upward; the
#          ladder stops at the first step that fails; if the first one
#          fails, BENCH_STEPS_DOWN are tried downward until one passes): N
#          calls set up at BENCH_RATE (200/s), held together BENCH_HOLD (60 s)
#          after the last is up, ended at BENCH_BYE_RATE (1000/s).  Every
#          caller sends G.711 for the whole call: sipp's rtp_stream (talk.wav,
#          welcome.wav in PCMU, looped) for most, the meter for the
#          BENCH_SAMPLE (50) measured calls, which also time what they
#          receive.  Pass: no failed call, all N up together, every measured
#          call gets RTP, inter-arrival p99 <= 22 ms, no packet more than
#          40 ms behind its call's best-case clock, no sequence gap; the first
#          step (2000) also needs server CPU <= 100 % of one core.
#  memory  after the ladder: RSS BENCH_MEM_WAIT (60 s) after the last call
#          ended, against the idle RSS after warm-up. Pass: within 5 %.
#          (RSS per call, <= 100 KiB, is taken at each talking step.)
#  record  one talking step of BENCH_RECORD_CALLS (2000) calls to
#          bench_record.py (announcement + recording + DTMF detection), the
#          same criteria as a talk step (without the CPU one).
#
# Sampling: the server's /proc/PID (RSS, threads, utime+stime), the host's
# /proc/stat, sipp's own CPU, and sipp's -trace_stat (CurrentCall) every
# 0.5 s; CPU over the steady window (2 s after the ramp's planned end to 1 s
# before the first planned BYE), in % of one core.  The meter reads kernel
# receive timestamps; sipp and the meter run at nice BENCH_GEN_NICE (19).  INVITE->200 of every call from sipp's -trace_rtt.
#
# A benchmark, not a test: a failing step is reported as such; the exit
# status is non-zero only if our server died or could not start.
#
# Environment (defaults): BENCH_PHASES ("talk memory record block setup"),
# BENCH_STEPS ("2000 3000 4000 5000 6000 7500"), BENCH_STEPS_DOWN
# ("1000 500"), BENCH_HOLD (60), BENCH_RATE (200), BENCH_BYE_RATE (1000),
# BENCH_SAMPLE (50), BENCH_BLOCK_RATE/SECS/HOLD/DELAY (50/60/3/1),
# BENCH_SETUP_RATE/SECS/HOLD (200/60/5), BENCH_RECORD_CALLS (2000),
# BENCH_MEM_WAIT (60), BENCH_PAUSE (3 s between steps), BENCH_GEN_NICE (19),
# BENCH_RTP_LOW/HIGH
# (20000-39999), BENCH_SERVERS ("ours sems", those present),
# BENCH_OUT (build/bench: configs, logs, sipp traces, results.txt).
# BENCH_PROFILE=1: perf profile and syscall counts of the first talk step.
# BENCH_QUICK=1: a CI-sized run (~2 minutes per server): 100-call steps
# (then 200), 10 s holds and phases, 10 s memory wait.

set -u

PREFIX=${1:?usage: tests/bench/run.sh PREFIX [SEMS_REF]}
SEMS_REF=${2:-${SEMS_REF:-}}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
OUT=${BENCH_OUT:-$ROOT/build/bench}
PYTHON=/usr/bin/python3

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	q_steps="100 200" q_down="50" q_hold=10 q_secs=10 q_wait=10 q_rec=100
else
	q_steps="2000 3000 4000 5000 6000 7500" q_down="1000 500" q_hold=60 q_secs=60 q_wait=60 q_rec=2000
fi
PHASES=${BENCH_PHASES:-talk memory record block setup}
STEPS=${BENCH_STEPS:-$q_steps}
STEPS_DOWN=${BENCH_STEPS_DOWN-$q_down}
HOLD=${BENCH_HOLD:-$q_hold}
RATE=${BENCH_RATE:-200}
BYE_RATE=${BENCH_BYE_RATE:-1000}
SAMPLE=${BENCH_SAMPLE:-50}
BLOCK_RATE=${BENCH_BLOCK_RATE:-50}
BLOCK_SECS=${BENCH_BLOCK_SECS:-$q_secs}
BLOCK_HOLD=${BENCH_BLOCK_HOLD:-3}
BLOCK_DELAY=${BENCH_BLOCK_DELAY:-1}
SETUP_RATE=${BENCH_SETUP_RATE:-200}
SETUP_SECS=${BENCH_SETUP_SECS:-$q_secs}
SETUP_HOLD=${BENCH_SETUP_HOLD:-5}
RECORD_CALLS=${BENCH_RECORD_CALLS:-$q_rec}
MEM_WAIT=${BENCH_MEM_WAIT:-$q_wait}
PAUSE=${BENCH_PAUSE:-3}

# targets
BLOCK_RTT_MAX=100 BLOCK_HEARD_MAX=1200 SETUP_RTT_MAX=20
GAP_P99_MAX=22 DELAY_MAX=40 CPU_FIRST_MAX=100 KIB_CALL_MAX=100 MEM_BACK_PCT=5

SIP_PORT=5190
SIPP_PORT=5192
SIPP_MEDIA_PORT=19000   # sipp's rtp_stream socket (one for all its calls)
RTP_LOW=${BENCH_RTP_LOW:-20000}
RTP_HIGH=${BENCH_RTP_HIGH:-39999}
METER_PORT=18000        # .. +2*pool (the blocking step's pool, at most 400 ports)
BLACKHOLE_PORT=18900
HTTP_PORT=18950
# the load generator (sipp, meter) yields the cores to the server: it stands
# for the callers' own machines (BENCH_GEN_NICE=0: same priority)
GEN_NICE="nice -n ${BENCH_GEN_NICE:-19}"
HZ=$(getconf CLK_TCK)
CORES=$(nproc)

SRV_PID='' METER_PID='' SIPP_PID='' HTTP_PID=''
SRV='' SRV_OUT='' SERVER_DIED=''
declare -A R          # results: R[server.key]

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
	kill_pid "$HTTP_PID"
	kill_pid "$SRV_PID"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- /proc readings ---------------------------------------------------------

status_kib() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status" 2>/dev/null; }
rss_kib() { status_kib "$1" VmRSS; }
threads() { status_kib "$1" Threads; }
sockets() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
# utime + stime in clock ticks (fields 14 and 15; comm may hold spaces)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
host_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
alive() { [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null; }
now_s() { date +%s.%N; }
# after T0 SECS: true once SECS seconds have passed since T0
after() { awk -v a="$(now_s)" -v b="$1" -v s="$2" 'BEGIN { exit !(a - b >= s) }'; }
pct_core() {
	awk -v c="$(($2 - $1))" -v hz="$HZ" -v a="$3" -v b="$4" \
		'BEGIN { w = b - a; if (w < 0.5) print "-"; else printf "%.0f", 100 * c / hz / w }'
}
mib() { awk -v k="$1" 'BEGIN { if (k == "" || k == "-") print "-"; else printf "%.1f", k / 1024 }'; }
# le A B: A is a number <= B
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "-" && a != "nan" && a + 0 == a && a <= b) }'; }

# --- servers ------------------------------------------------------------------

preflight() {
	[ -x "$PREFIX/sbin/sems" ] || { log "no server at $PREFIX/sbin/sems"; exit 2; }
	command -v sipp >/dev/null || { log "sipp not installed (apt-get install sip-tester)"; exit 2; }
	command -v sox >/dev/null || { log "sox not installed"; exit 2; }
	ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
	local p
	for p in $SIP_PORT $SIPP_PORT $SIPP_MEDIA_PORT $BLACKHOLE_PORT $HTTP_PORT; do
		[ -z "$(ss -Hunl "sport = :$p" 2>/dev/null)$(ss -Htnl "sport = :$p" 2>/dev/null)" ] ||
			{ log "port $p busy"; exit 2; }
	done
	rm -rf "$OUT"
	mkdir -p "$OUT/audio"
	# the callers' voice (PCMU WAV for sipp's rtp_stream, PCM16 for the meter)
	cp "$PREFIX/lib/sems/audio/welcome.wav" "$OUT/audio/welcome.wav"
	sox "$OUT/audio/welcome.wav" -e u-law "$OUT/audio/talk.wav"
	# the blocking script's result: a 1 s 440 Hz tone, looped
	sox -n -r 8000 -c 1 -b 16 -e signed-integer "$OUT/audio/tone.wav" synth 1 sine 440 vol 0.5
}

# write_config KIND: configuration of one server under $SRV_OUT
write_config() {
	local kind=$1 d=$SRV_OUT
	mkdir -p "$d/scripts" "$d/etc" "$d/recordings"
	cp "$BENCH_DIR"/scripts/bench_*.py "$d/scripts/"
	cp "$OUT/audio/talk.wav" "$d/talk.wav"     # sipp runs here: rtp_stream="talk.wav"
	echo "announcement=$OUT/audio/welcome.wav" > "$d/etc/bench_loop.conf"
	{ echo "announcement=$OUT/audio/welcome.wav"; echo "record_dir=$d/recordings"; } > "$d/etc/bench_record.conf"
	{ echo "lookup_url=http://127.0.0.1:$HTTP_PORT/caller/"; echo "tone=$OUT/audio/tone.wav"; } > "$d/etc/bench_lookup.conf"
	echo "script_path=$d/scripts/" > "$d/etc/ivr.conf"
	if [ "$kind" = ours ]; then
		cat > "$d/sems.conf" <<-EOF
		sip_ip=127.0.0.1
		sip_port=$SIP_PORT
		media_ip=127.0.0.1
		rtp_low_port=$RTP_LOW
		rtp_high_port=$RTP_HIGH
		plugin_path=$PREFIX/lib/sems/plug-in
		load_plugins=ivr
		plugin_config_path=$d/etc
		application=\$(ruri.user)
		loglevel=1
		stderr=yes
		fork=no
		session_processor_threads=4
		media_processor_threads=$CORES
		dead_rtp_time=0
		signature=sems-bench
		EOF
	else
		# SEMS 2.1: one thread per session (AmSession), media_processor_threads
		# AmMediaProcessor threads, rtp_receiver_threads receivers.  Its ivr
		# (built with monitoring, as BUILD.sh does) needs the monitoring
		# plug-in; the garbage collector drops ended calls' info (10 s).
		echo "run_garbage_collector=yes" > "$d/etc/monitoring.conf"
		cat > "$d/sems.conf" <<-EOF
		sip_ip=127.0.0.1
		sip_port=$SIP_PORT
		media_ip=127.0.0.1
		rtp_low_port=$RTP_LOW
		rtp_high_port=$RTP_HIGH
		plugin_path=$SEMS_REF/lib/sems/plug-in/
		load_plugins=wav;monitoring;ivr
		plugin_config_path=$d/etc/
		application=\$(ruri.user)
		loglevel=1
		stderr=yes
		fork=no
		media_processor_threads=$CORES
		rtp_receiver_threads=$CORES
		dead_rtp_time=0
		signature=sems-bench
		EOF
	fi
}

# start_server KIND
start_server() {
	local kind=$1 bin i
	if [ "$kind" = ours ]; then
		bin=$PREFIX/sbin/sems
		"$bin" -f "$SRV_OUT/sems.conf" -E -D 1 < /dev/null > "$SRV_OUT/sems.log" 2>&1 &
	else
		bin=$SEMS_REF/sbin/sems
		# ivr.so imports the 'log' module from lib/sems/ivr
		PYTHONPATH="$SEMS_REF/lib/sems/ivr${PYTHONPATH:+:$PYTHONPATH}" \
			"$bin" -f "$SRV_OUT/sems.conf" -E -D 1 < /dev/null > "$SRV_OUT/sems.log" 2>&1 &
	fi
	SRV_PID=$!
	for ((i = 0; i < 150; i++)); do
		alive || { log "$kind: server exited at start-up: $(tail -3 "$SRV_OUT/sems.log")"; SRV_PID=; return 1; }
		[ -n "$(ss -Hunl "sport = :$SIP_PORT" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	log "$kind: server not listening on $SIP_PORT after 15 s"
	return 1
}

stop_server() {
	local i
	alive || return 1
	kill -TERM "$SRV_PID"
	for ((i = 0; i < 100; i++)); do
		alive || break
		sleep 0.1
	done
	alive && { log "$SRV: server ignored SIGTERM for 10 s, SIGKILL"; kill -KILL "$SRV_PID"; }
	wait "$SRV_PID"
	log "$SRV: server exit status $?"
	SRV_PID=
}

# --- load ---------------------------------------------------------------------

# start_meter NAME COUNT ARGS...: the meter on COUNT ports from METER_PORT
start_meter() {
	local name=$1 count=$2 i
	shift 2
	rm -f "$SRV_OUT/$name.ready"
	$GEN_NICE "$PYTHON" "$BENCH_DIR/rtp_meter.py" --port "$METER_PORT" --count "$count" \
		--blackhole "$BLACKHOLE_PORT" --out "$SRV_OUT/$name.rtp.json" \
		--ready "$SRV_OUT/$name.ready" --duration 900 "$@" \
		> "$SRV_OUT/$name.meter.log" 2>&1 &
	METER_PID=$!
	for ((i = 0; i < 50; i++)); do
		[ -f "$SRV_OUT/$name.ready" ] && return 0
		kill -0 "$METER_PID" 2>/dev/null || break
		sleep 0.1
	done
	log "rtp meter did not start: $(tail -2 "$SRV_OUT/$name.meter.log")"
	return 1
}

stop_meter() { kill_pid "$METER_PID"; METER_PID=; }

sipp_count() {
	awk -F'|' -v k="$2" '$1 ~ k { gsub(/ /, "", $3); n = $3 } END { print n + 0 }' \
		"$SRV_OUT/$1.screen.log" 2>/dev/null
}

# wait_drained IDLE_SOCKETS: the calls' sockets closed (20 s bound)
wait_drained() {
	local i
	for ((i = 0; i < 40; i++)); do
		alive || return 1
		(($(sockets "$SRV_PID") <= $1)) && return 0
		sleep 0.5
	done
	return 0
}

# run_load NAME N RATE APP FROM TO: sipp places N calls ($SRV_OUT/NAME.csv)
# at RATE/s to APP and this samples until sipp ends; CPU over the window
# FROM..TO seconds after sipp's start.  Sets L_* (see the end).
run_load() {
	local name=$1 n=$2 rate=$3 app=$4 from=$5 to=$6 timeout
	local t0 now rss th live cs c0='' c1='' h0='' h1='' g0='' g1='' w0='' w1='' ts ws
	local idle_sockets rtt
	L_PEAK_RSS=0 L_PEAK_TH=0 L_CPU=- L_RAMP=- L_HOST=- L_GEN=- L_PEAK_LIVE=0
	idle_sockets=$(sockets "$SRV_PID")
	timeout=$(awk -v n="$n" -v r="$rate" -v t="$to" 'BEGIN { printf "%d", n / r + t + 60 }')
	(cd "$SRV_OUT" && exec $GEN_NICE sipp -sf "$BENCH_DIR/scenarios/uac_talk.xml" \
		-i 127.0.0.1 -p "$SIPP_PORT" -mp "$SIPP_MEDIA_PORT" -s "$app" \
		-inf "$SRV_OUT/$name.csv" -l "$n" -m "$n" -r "$rate" -rp 1000 \
		-rtp_threadtasks 100 \
		-timeout "${timeout}s" -timeout_error -recv_timeout 20000 -nostdin \
		-trace_screen -screen_file "$SRV_OUT/$name.screen.log" \
		-trace_err -error_file "$SRV_OUT/$name.err.log" \
		-trace_logs -log_file "$SRV_OUT/$name.calls.log" \
		-trace_rtt -rtt_freq 1 \
		-trace_stat -fd 1 -stf "$SRV_OUT/$name.stat.csv" \
		"127.0.0.1:$SIP_PORT" > "$SRV_OUT/$name.sipp.out" 2>&1) &
	SIPP_PID=$!
	t0=$(now_s)
	cs=$(cpu_ticks "$SRV_PID") ws=$t0
	while kill -0 "$SIPP_PID" 2>/dev/null; do
		if ! alive; then
			wait "$SRV_PID"
			SERVER_DIED="died during $name (exit status $?, >128: signal)"
			kill_pid "$SIPP_PID"
			break
		fi
		rss=$(rss_kib "$SRV_PID") th=$(threads "$SRV_PID")
		((rss > L_PEAK_RSS)) && L_PEAK_RSS=$rss
		((th > L_PEAK_TH)) && L_PEAK_TH=$th
		now=$(now_s)
		if [ -z "$c0" ] && after "$t0" "$from"; then
			c0=$(cpu_ticks "$SRV_PID") h0=$(host_ticks) g0=$(cpu_ticks "$SIPP_PID") w0=$now
			[ "$name" = "${PROFILE_STEP:-}" ] && start_profile "$name"
		fi
		if [ -n "$c0" ] && [ -z "$c1" ] && after "$t0" "$to"; then
			c1=$(cpu_ticks "$SRV_PID") h1=$(host_ticks) g1=$(cpu_ticks "$SIPP_PID") w1=$now
		fi
		sleep 0.5
	done
	wait "$SIPP_PID" 2>/dev/null
	echo $? > "$SRV_OUT/$name.sipp.rc"
	SIPP_PID=
	for f in "$SRV_OUT"/uac_talk_*_rtt.csv; do
		[ -e "$f" ] && mv "$f" "$SRV_OUT/$name.rtt.csv"
	done
	[ -n "$c0" ] && L_RAMP=$(pct_core "$cs" "$c0" "$ws" "$w0")
	if [ -n "$c1" ]; then
		L_CPU=$(pct_core "$c0" "$c1" "$w0" "$w1")
		[ -n "$g0" ] && [ -n "$g1" ] && L_GEN=$(pct_core "$g0" "$g1" "$w0" "$w1")
		set -- $h0 $h1
		L_HOST=$(awk -v b="$(($3 - $1))" -v t="$(($4 - $2))" 'BEGIN { printf "%.0f", t ? 100 * b / t : 0 }')
	fi
	L_OK=$(sipp_count "$name" "Successful call") L_FAILED=$(sipp_count "$name" "Failed call")
	L_PEAK_LIVE=$("$PYTHON" "$BENCH_DIR/analyze.py" stat "$SRV_OUT/$name.stat.csv" CurrentCall)
	read -r L_RTT_N L_RTT_P50 L_RTT_P99 L_RTT_MAX <<< \
		"$("$PYTHON" "$BENCH_DIR/analyze.py" rtt "$SRV_OUT/$name.rtt.csv")"
	wait_drained "$idle_sockets"
	L_AFTER_RSS=$(rss_kib "$SRV_PID")
	[ -z "$SERVER_DIED" ]
}

# BENCH_PROFILE=1: 8 s of `perf record -g`, then 8 s of syscall counts, on
# the server from the start of the first talk step's steady window, summed up in
# $SRV_OUT/STEP.perf.txt and STEP.syscalls.txt (the profiling costs some CPU)
start_profile() {
	local name=$1
	command -v perf >/dev/null || { log "BENCH_PROFILE: no perf"; return 0; }
	log "$SRV $name: profiling the server for 8 s, then counting its syscalls for 8 s"
	# one after the other: the syscall tracepoints would show in the profile
	(perf record -g -F 999 -p "$SRV_PID" -o "$SRV_OUT/$name.perf.data" -- sleep 8 \
		> "$SRV_OUT/$name.perf.log" 2>&1
	perf stat -e raw_syscalls:sys_enter,syscalls:sys_enter_recvfrom,syscalls:sys_enter_sendto \
		-e syscalls:sys_enter_recvmmsg,syscalls:sys_enter_sendmmsg,syscalls:sys_enter_clock_nanosleep \
		-e syscalls:sys_enter_epoll_wait,syscalls:sys_enter_poll,syscalls:sys_enter_select \
		-e syscalls:sys_exit_recvfrom --filter 'ret < 0' -p "$SRV_PID" -o "$SRV_OUT/$name.syscalls.txt" \
		-- sleep 8 > /dev/null 2>&1) &
	PROF_PIDS=$!
}

finish_profile() {
	local name=$1
	[ -n "${PROF_PIDS:-}" ] || return 0
	wait $PROF_PIDS
	PROF_PIDS=''
	perf report -i "$SRV_OUT/$name.perf.data" --no-children --stdio --sort dso,sym -g none \
		2>/dev/null | grep '%' | head -40 > "$SRV_OUT/$name.perf.txt"
	perf report -i "$SRV_OUT/$name.perf.data" --children --stdio --sort sym -g none \
		2>/dev/null | grep '%' | head -40 >> "$SRV_OUT/$name.perf.txt"
	log "$SRV $name: profile in $SRV_OUT/$name.perf.txt, syscall counts (8 s; exit_recvfrom = failed reads) in $name.syscalls.txt"
}

# --- phases -------------------------------------------------------------------

phase_block() {
	local n=$((BLOCK_RATE * BLOCK_SECS)) pool=$((BLOCK_RATE * (BLOCK_HOLD + 3))) i ok=PASS why=''
	((pool > 400)) && pool=400
	((pool > n)) && pool=$n
	{
		echo SEQUENTIAL
		for ((i = 0; i < n; i++)); do echo "$((METER_PORT + 2 * (i % pool)));$((BLOCK_HOLD * 1000));0;"; done
	} > "$SRV_OUT/block.csv"
	rm -f "$SRV_OUT/http.ready"
	"$PYTHON" "$ROOT/tests/e2e/slow_http.py" --port "$HTTP_PORT" --delay "$BLOCK_DELAY" \
		--ready "$SRV_OUT/http.ready" > "$SRV_OUT/http.log" 2>&1 &
	HTTP_PID=$!
	for ((i = 0; i < 50; i++)); do [ -f "$SRV_OUT/http.ready" ] && break; sleep 0.1; done
	start_meter block "$pool" --onset || return 1
	log "$SRV block: $n calls at $BLOCK_RATE/s, onSessionStart waits $BLOCK_DELAY s on HTTP, hold $BLOCK_HOLD s"
	run_load block "$n" "$BLOCK_RATE" bench_lookup 3 "$BLOCK_SECS"
	stop_meter
	kill_pid "$HTTP_PID"; HTTP_PID=
	local answered heard p50 p99 max
	read -r answered heard p50 p99 max <<< \
		"$("$PYTHON" "$BENCH_DIR/analyze.py" onset "$SRV_OUT/block.calls.log" "$SRV_OUT/block.rtp.json")"
	((L_FAILED == 0 && L_OK == n)) || { ok=FAIL why="$why failed=$L_FAILED ok=$L_OK;"; }
	le "$L_RTT_P99" "$BLOCK_RTT_MAX" || { ok=FAIL why="$why INVITE->200 p99 $L_RTT_P99 ms;"; }
	((heard == n)) || { ok=FAIL why="$why heard $heard of $n;"; }
	le "$max" "$BLOCK_HEARD_MAX" || { ok=FAIL why="$why heard max $max ms;"; }
	R[$SRV.block]=$ok R[$SRV.block_rtt]=$L_RTT_P99 R[$SRV.block_heard]="$heard/$n" R[$SRV.block_heard_p99]=$p99 R[$SRV.block_heard_max]=$max
	R[$SRV.block_failed]=$L_FAILED R[$SRV.block_cpu]=$L_CPU R[$SRV.block_threads]=$L_PEAK_TH
	printf '%-6s %-7s %6s %6s %6s %6s %6s %6s  INVITE->200 p50/p99/max %s/%s/%s ms; heard %s/%s, after the 200 p50/p99/max %s/%s/%s ms; threads %s %s\n' \
		"$SRV" block "$n" "$L_OK" "$L_FAILED" "$L_PEAK_LIVE" "$L_CPU" "$L_HOST" \
		"$L_RTT_P50" "$L_RTT_P99" "$L_RTT_MAX" "$heard" "$n" "$p50" "$p99" "$max" "$L_PEAK_TH" "$ok${why:+:$why}" |
		tee -a "$OUT/results.txt"
}

phase_setup() {
	local n=$((SETUP_RATE * SETUP_SECS)) i ok=PASS why=''
	{
		echo SEQUENTIAL
		for ((i = 0; i < n; i++)); do echo "$BLACKHOLE_PORT;$((SETUP_HOLD * 1000));0;"; done
	} > "$SRV_OUT/setup.csv"
	start_meter setup 0 --no-echo || return 1
	log "$SRV setup: $n calls at $SETUP_RATE/s, hold $SETUP_HOLD s"
	run_load setup "$n" "$SETUP_RATE" bench_loop $((SETUP_HOLD + 2)) "$SETUP_SECS"
	stop_meter
	((L_FAILED == 0 && L_OK == n)) || { ok=FAIL why="$why failed=$L_FAILED ok=$L_OK;"; }
	le "$L_RTT_P99" "$SETUP_RTT_MAX" || { ok=FAIL why="$why INVITE->200 p99 $L_RTT_P99 ms;"; }
	R[$SRV.setup]=$ok R[$SRV.setup_rtt]=$L_RTT_P99 R[$SRV.setup_rtt_max]=$L_RTT_MAX R[$SRV.setup_failed]=$L_FAILED R[$SRV.setup_cpu]=$L_CPU
	printf '%-6s %-7s %6s %6s %6s %6s %6s %6s  INVITE->200 p50/p99/max %s/%s/%s ms; %s\n' \
		"$SRV" setup "$n" "$L_OK" "$L_FAILED" "$L_PEAK_LIVE" "$L_CPU" "$L_HOST" \
		"$L_RTT_P50" "$L_RTT_P99" "$L_RTT_MAX" "$ok${why:+:$why}" | tee -a "$OUT/results.txt"
}

# talk_step MODE N: one step of N talking calls; returns 1 if it failed
talk_step() {
	local mode=$1 n=$2 app=bench_loop name="$1$2" s k i hold ramp ok=PASS why=''
	[ "$mode" = record ] && app=bench_record
	s=$((SAMPLE < n ? SAMPLE : n))
	k=$(((n + s - 1) / s))
	ramp=$(awk -v n="$n" -v r="$RATE" 'BEGIN { printf "%d", n / r + 0.999 }')
	{
		echo SEQUENTIAL
		for ((i = 0; i < n; i++)); do
			# all calls up together for HOLD s after the last is set up, then BYEs at BYE_RATE
			hold=$(((n - i) * 1000 / RATE + HOLD * 1000 + i * 1000 / BYE_RATE))
			if ((i % k == 0 && i / k < s)); then
				echo "$((METER_PORT + 2 * (i / k)));$hold;0;"
			else
				echo "$BLACKHOLE_PORT;$hold;1;"
			fi
		done
	} > "$SRV_OUT/$name.csv"
	start_meter "$name" "$s" --talk "$OUT/audio/welcome.wav" || return 1
	local idle=$(rss_kib "$SRV_PID")
	log "$SRV $mode $n: $n talking calls at $RATE/s, held together $HOLD s, RTP of $s measured (RSS now $(mib "$idle") MiB)"
	run_load "$name" "$n" "$RATE" "$app" $((ramp + 2)) $((ramp + HOLD - 1))
	stop_meter
	[ "$name" = "${PROFILE_STEP:-}" ] && finish_profile "$name"
	local meas got gp99 gmax dmax late40 lost kib
	read -r meas got gp99 gmax dmax late40 lost <<< "$("$PYTHON" "$BENCH_DIR/analyze.py" rtp "$SRV_OUT/$name.rtp.json")"
	kib=$(((L_PEAK_RSS - IDLE_RSS) / n))
	((L_FAILED == 0 && L_OK == n)) || { ok=FAIL why="$why failed=$L_FAILED ok=$L_OK;"; }
	((L_PEAK_LIVE >= n)) || { ok=FAIL why="$why peak $L_PEAK_LIVE calls;"; }
	((got == s)) || { ok=FAIL why="$why RTP on $got/$s;"; }
	le "$gp99" "$GAP_P99_MAX" || { ok=FAIL why="$why gap p99 $gp99 ms;"; }
	le "$dmax" "$DELAY_MAX" || { ok=FAIL why="$why $late40 packets > $DELAY_MAX ms late;"; }
	[ "$lost" = 0 ] || { ok=FAIL why="$why lost $lost;"; }
	if [ "$mode" = talk ] && [ "$n" = "$FIRST_STEP" ]; then
		le "$L_CPU" "$CPU_FIRST_MAX" || { ok=FAIL why="$why CPU $L_CPU %;"; }
	fi
	R[$SRV.$name]=$ok R[$SRV.$name.cpu]=$L_CPU R[$SRV.$name.kib]=$kib R[$SRV.$name.gp99]=$gp99 R[$SRV.$name.dmax]=$dmax
	R[$SRV.$name.rtt]=$L_RTT_P99 R[$SRV.$name.why]=$why
	printf '%-6s %-7s %6s %6s %6s %6s %6s %6s %6s %6s %8s %6s %7s %5s/%-5s %6s %6s %6s %5s %4s  %s\n' \
		"$SRV" "$mode" "$n" "$L_OK" "$L_FAILED" "$L_PEAK_LIVE" "$L_RAMP" "$L_CPU" "$L_HOST" "$L_GEN" \
		"$(mib "$L_PEAK_RSS")" "$kib" "$(mib "$L_AFTER_RSS")" "$(threads "$SRV_PID")" "$L_PEAK_TH" \
		"$L_RTT_P99" "$gp99" "$gmax" "$dmax" "$lost" "$ok${why:+:$why}" | tee -a "$OUT/results.txt"
	[ "$ok" = PASS ]
}

talk_header() {
	printf '%-6s %-7s %6s %6s %6s %6s %6s %6s %6s %6s %8s %6s %7s %11s %6s %6s %6s %5s %4s  %s\n' \
		server mode calls ok failed peak ramp% cpu% host% sipp% rssMiB KiB/c afterMiB threads \
		rtt99 gap99 gapmax late lost result | tee -a "$OUT/results.txt"
}

phase_talk() {
	local n passed='' failed_at=''
	for n in $STEPS; do
		if talk_step talk "$n"; then passed=$n; else failed_at=$n; fi
		[ -n "$SERVER_DIED" ] && break
		sleep "$PAUSE"
		[ -n "$failed_at" ] && break
	done
	if [ -z "$passed" ] && [ -z "$SERVER_DIED" ]; then
		for n in $STEPS_DOWN; do
			talk_step talk "$n" && { passed=$n; break; }
			[ -n "$SERVER_DIED" ] && break
			sleep "$PAUSE"
		done
	fi
	R[$SRV.limit]=${passed:-none}
	R[$SRV.limit_fail]=${failed_at:-none}
	LAST_PASSED=$passed
}

phase_memory() {
	local rss pct ok=PASS
	log "$SRV memory: waiting $MEM_WAIT s after the last call"
	sleep "$MEM_WAIT"
	alive || return 1
	rss=$(rss_kib "$SRV_PID")
	pct=$(awk -v a="$rss" -v b="$IDLE_RSS" 'BEGIN { printf "%.1f", 100 * (a - b) / b }')
	le "$pct" "$MEM_BACK_PCT" || ok=FAIL
	R[$SRV.mem_idle]=$(mib "$IDLE_RSS") R[$SRV.mem_after]=$(mib "$rss") R[$SRV.mem_pct]=$pct R[$SRV.mem]=$ok
	printf '%-6s %-7s idle RSS %s MiB, %s s after the last call %s MiB (%+.1f %%): %s\n' \
		"$SRV" memory "$(mib "$IDLE_RSS")" "$MEM_WAIT" "$(mib "$rss")" "$pct" "$ok" | tee -a "$OUT/results.txt"
}

# run_server KIND: every phase against one server
run_server() {
	SRV=$1 SRV_OUT=$OUT/$1
	mkdir -p "$SRV_OUT"
	write_config "$SRV"
	FIRST_STEP=${STEPS%% *}
	PROFILE_STEP=''
	[ "${BENCH_PROFILE:-0}" = 1 ] && PROFILE_STEP=talk$FIRST_STEP
	start_server "$SRV" || { R[$SRV.start]=FAIL; return 1; }
	log "$SRV: pid $SRV_PID on 127.0.0.1:$SIP_PORT; warm-up"
	{ echo SEQUENTIAL; for i in 1 2 3 4 5; do echo "$BLACKHOLE_PORT;2000;1;"; done; } > "$SRV_OUT/warmup.csv"
	start_meter warmup 0 --no-echo && { run_load warmup 5 5 bench_loop 1 2; stop_meter; }
	sleep 1
	alive || { log "$SRV: server died during warm-up: $(tail -5 "$SRV_OUT/sems.log")"; R[$SRV.start]=FAIL; return 1; }
	log "$SRV warm-up: $(sipp_count warmup "Successful call") of 5 calls ok"
	IDLE_RSS=$(rss_kib "$SRV_PID")
	R[$SRV.idle_threads]=$(threads "$SRV_PID")
	R[$SRV.start]=ok
	LAST_PASSED=''
	local p
	for p in $PHASES; do
		case $p in
		block) phase_block ;;
		setup) phase_setup ;;
		talk) talk_header; phase_talk ;;
		memory) phase_memory ;;
		record) talk_step record "$RECORD_CALLS"; R[$SRV.record]=${R[$SRV.record$RECORD_CALLS]:-} ;;
		*) log "unknown phase $p" ;;
		esac
		[ -n "$SERVER_DIED" ] && break
		sleep "$PAUSE"
	done
	if [ -n "$SERVER_DIED" ]; then
		log "$SRV: SERVER $SERVER_DIED: $(tail -5 "$SRV_OUT/sems.log")"
		R[$SRV.died]=$SERVER_DIED
		SRV_PID=
		return 1
	fi
	stop_server
}

# --- side by side -------------------------------------------------------------

val() { echo "${R[$1.$2]:--}"; }
# ratio A B: A / B
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 == a && b + 0 == b && b != 0) printf "%.2f", a / b; else print "-" }'; }

summary() {
	local s k=${FIRST_STEP} cols="$*" row
	# per-call CPU at the first step, in % of one core per 1000 calls
	for s in $cols; do
		R[$s.cpu1k]=$(awk -v c="$(val "$s" "talk$k.cpu")" -v n="$k" 'BEGIN { if (c + 0 == c) printf "%.1f", 1000 * c / n; else print "-" }')
	done
	{
		echo
		echo "side by side (ratio = ours / sems):"
		printf '%-44s' ""; for s in $cols; do printf ' %14s' "$s"; done; [ "$#" = 2 ] && printf ' %8s' ratio; echo
		row() {
			local label=$1 key=$2 a b
			printf '%-44s' "$label"
			for s in $cols; do printf ' %14s' "$(val "$s" "$key")"; done
			if [ "$#" -ge 3 ] && [ "$(echo $cols | wc -w)" = 2 ]; then
				set -- $cols
				printf ' %8s' "$(ratio "$(val "$1" "$key")" "$(val "$2" "$key")")"
			fi
			echo
		}
		row "talking calls held with clean RTP (b)" limit r
		row "  first failing step" limit_fail
		row "  step $k: result" "talk$k"
		row "  step $k: CPU % of one core" "talk$k.cpu" r
		row "  CPU % of one core per 1000 calls" cpu1k r
		row "  step $k: RSS KiB per call (d)" "talk$k.kib" r
		row "  step $k: RTP gap p99 ms" "talk$k.gp99" r
		row "  step $k: worst delay ms" "talk$k.dmax" r
		row "  step $k: INVITE->200 p99 ms" "talk$k.rtt" r
		row "blocking scripts (a): result" block
		row "  INVITE->200 p99 ms" block_rtt r
		row "  callers who heard the result" block_heard
		row "  heard after the 200, p99 ms" block_heard_p99 r
		row "  heard after the 200, max ms" block_heard_max r
		row "  server threads at peak" block_threads r
		row "setup $SETUP_RATE/s (c): result" setup
		row "  INVITE->200 p99 ms" setup_rtt r
		row "  INVITE->200 max ms" setup_rtt_max r
		row "  CPU % of one core" setup_cpu r
		row "memory (d): idle RSS MiB" mem_idle r
		row "  RSS MiB $MEM_WAIT s after the calls" mem_after r
		row "  above idle %" mem_pct
		row "  result (<= $MEM_BACK_PCT %)" mem
		row "record+DTMF $RECORD_CALLS calls (e): result" "record$RECORD_CALLS"
		row "  CPU % of one core" "record$RECORD_CALLS.cpu" r
		row "  RSS KiB per call" "record$RECORD_CALLS.kib" r
		row "idle threads" idle_threads r
	} | tee -a "$OUT/results.txt"
}

# --- main -----------------------------------------------------------------

preflight
SERVERS=${BENCH_SERVERS:-ours sems}
RUN=''
for s in $SERVERS; do
	case $s in
	ours) RUN="$RUN ours" ;;
	sems)
		if [ -n "$SEMS_REF" ]; then
			[ -x "$SEMS_REF/sbin/sems" ] || { log "SEMS_REF=$SEMS_REF: no sbin/sems there"; exit 2; }
			RUN="$RUN sems"
		fi ;;
	esac
done
{
	echo "sems load benchmark: $(date -u +%FT%TZ), $CORES cores, servers:$RUN${SEMS_REF:+ (sems = $SEMS_REF)}"
	echo "phases: $PHASES; steps $STEPS (down: $STEPS_DOWN), hold $HOLD s, $RATE calls/s, sample $SAMPLE; block $BLOCK_RATE/s x $BLOCK_SECS s; setup $SETUP_RATE/s x $SETUP_SECS s"
	echo "block/setup rows: server phase calls ok failed peak cpu% host%  ..."
} | tee "$OUT/results.txt"
OURS_FAILED=
for s in $RUN; do
	SERVER_DIED=''
	run_server "$s" || { [ "$s" = ours ] && OURS_FAILED=1; }
	sleep "$PAUSE"
done
summary $RUN
echo "columns: peak = most calls up at once (sipp); ramp%/cpu% = server CPU while setting up / in the steady window," \
	"in % of ONE core; host% = whole machine ($CORES cores); sipp% = the load generator's CPU; rssMiB = server peak;" \
	"KiB/c = (peak RSS - idle RSS after warm-up) / calls; afterMiB = once the calls' sockets closed; threads = now/peak;" \
	"rtt99 = INVITE->200 p99 ms; gap99/gapmax = RTP inter-arrival p99/largest over the measured calls (ms);" \
	"late = worst delay behind the call's best-case 20 ms clock (ms); lost = sequence gaps.  Detail: $OUT/SERVER/" |
	fold -s -w 110 | tee -a "$OUT/results.txt"
[ -n "$OURS_FAILED" ] && exit 1
exit 0
