#!/bin/bash
# run.sh: runs the end-to-end tests against a staged install.
#
#   PYTHON=/usr/bin/python3 bash tests/e2e/run.sh PREFIX [CASE...]
#
# PREFIX is a `make install PREFIX=...` tree (sbin/sems, lib/sems/...).
# Runs every tests/e2e/cases/*.sh in name order (or only the CASEs named,
# e.g. `01_announcement_call` or `01`), each under `timeout` ($E2E_CASE_TIMEOUT,
# default 120 s), $E2E_JOBS at a time (default 1), and prints "PASS name (N s)"
# or "FAIL name (N s): reason" plus the tail of the server log, in the order
# the cases end.  The last line is "N passed, N failed"; the exit
# status is 1 if any case failed.
#
# Each case gets build/e2e/run.PID/NAME/ (config, sems.log, sipp traces, sink JSON;
# kept for diagnosis) and its own block of 200 UDP ports (see free_block).
# A case writes every PID it starts to NAME/pids; after the case this script
# kills any of them still alive (also when the case timed out), and at the
# end it checks that no process of the suite is left.
#
# Adding a case: copy a small one (e.g. cases/02_offer_pcma_first.sh); the
# helpers are documented at the top of lib.sh; scenarios live in scenarios/,
# test-only IVR scripts in scripts/ (scripts/broken/ for ones that must fail).

set -u
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
PREFIX=${1:?usage: run.sh PREFIX [CASE...]}
shift
PREFIX=$(cd "$PREFIX" && pwd) || exit 1
export PYTHON=${PYTHON:-/usr/bin/python3}
export E2E_PREFIX=$PREFIX
# One directory per run, so that two people running the suite at once in
# this checkout do not meet; directories of finished runs are removed.
for d in "$ROOT"/build/e2e/run.*; do
	[ -d "$d" ] && ! kill -0 "${d##*.}" 2>/dev/null && rm -rf "$d"
done
OUT=${E2E_OUT:-$ROOT/build/e2e/run.$$}
CASE_TIMEOUT=${E2E_CASE_TIMEOUT:-120}
# Port blocks lie below the kernel's ephemeral range (32768-), so that no
# random client socket takes them.  Before each case, free_block picks the
# next block of 200 ports in which no UDP/TCP socket is open (other people's
# servers, benchmarks and test runs share this machine), starting from a
# PID-derived offset; E2E_PORT_BASE forces fixed blocks instead.
NEXT_BLOCK=$((10000 + ($$ % 110) * 200))
free_block() {                   # free_block N: sets BLOCK, the first of N blocks
	local n=$1 used b k
	used=$(ss -Hanu 2>/dev/null; ss -Hant 2>/dev/null)
	used=$(echo "$used" | awk '{ n = split($4, a, ":"); print a[n] }' | sort -un)
	for ((k = 0; k < 110; k++)); do
		[ $((NEXT_BLOCK + n * 200)) -gt 32000 ] && NEXT_BLOCK=10000
		b=$NEXT_BLOCK
		NEXT_BLOCK=$((NEXT_BLOCK + n * 200))
		BLOCK=$b
		echo "$used" | awk -v lo=$b -v hi=$((b + n * 200 - 1)) '$1 >= lo && $1 <= hi { f = 1 } END { exit !f }' || return 0
	done
}
# A case that needs more than its 200 ports says so in a line
# "# e2e-port-blocks: N" (e.g. 117: its server's RTP range and a meter):
# it gets N consecutive blocks, E2E_PORT_BASE the first.
port_blocks() { grep -m1 -oE '^# e2e-port-blocks: [0-9]+' "$1" | grep -oE '[0-9]+$' || echo 1; }
FIXED_NEXT=${E2E_PORT_BASE:-}

for tool in sipp ss timeout "$PYTHON"; do
	command -v "$tool" > /dev/null || { echo "missing tool: $tool"; echo "0 passed, 1 failed"; exit 1; }
done
mkdir -p "$OUT"

cases=()
if [ $# -gt 0 ]; then
	for want in "$@"; do
		for f in "$E2E_DIR"/cases/"$want"*.sh; do [ -f "$f" ] && cases+=("$f"); done
	done
else
	cases=("$E2E_DIR"/cases/*.sh)
fi

# Kills, by PID, whatever a case left running from its pids file, and
# those processes' children.
reap_case() {
	local dir=$1 pid p procs left=
	[ -f "$dir/pids" ] || return 0
	while read -r pid; do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || continue
		procs="$pid $(pgrep -P "$pid")"    # with its children (Kamailio's)
		for p in $procs; do
			left="$left $p($(tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline" | cut -c1-40))"
			kill -TERM "$p" 2>/dev/null
		done
		sleep 0.5
		kill -KILL $procs 2>/dev/null
	done < "$dir/pids"
	[ -n "$left" ] && echo "  (killed leftover processes:$left)"
	return 0
}

# run_case FILE BASE: one case, in the background; its exit status goes to
# NAME.rc, its duration to NAME.secs.
run_case() {
	local f=$1 base=$2 name dir t0 rc
	name=$(basename "$f" .sh)
	dir=$OUT/$name
	t0=$(date +%s)
	E2E_CASE_DIR=$dir E2E_PORT_BASE=$base \
		timeout -k 5 "$CASE_TIMEOUT" bash "$f" > "$OUT/$name.log" 2>&1
	rc=$?
	echo $(($(date +%s) - t0)) > "$OUT/$name.secs"
	echo $rc > "$OUT/$name.rc"
}

# report_case NAME: after it ended, kills what it left and prints its line.
report_case() {
	local name=$1 dir=$OUT/$1 rc reason secs
	rc=$(cat "$OUT/$name.rc" 2>/dev/null || echo 1)
	secs=$(cat "$OUT/$name.secs" 2>/dev/null || echo '?')
	reap_case "$dir"
	if [ "$rc" -eq 0 ]; then
		echo "PASS $name ($secs s)"
		passed=$((passed + 1))
		return
	fi
	failed=$((failed + 1))
	if [ -s "$dir/reason" ]; then
		reason=$(head -c 600 "$dir/reason")
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		reason="timed out after $CASE_TIMEOUT s"
	else
		reason="exit $rc: $(tail -1 "$OUT/$name.log")"
	fi
	echo "FAIL $name ($secs s): $reason"
	if [ -f "$dir/sems.log" ]; then
		echo "  --- tail of $dir/sems.log"
		tail -n 15 "$dir/sems.log" | cut -c1-300 | sed 's/^/  | /'
	fi
	echo "  --- case log: $OUT/$name.log"
}

# E2E_JOBS cases run at once (default 1).  Each has its own directory, port
# block, Kamailio socket directory and PIDs, so they do not meet; what they
# share is the CPU, and every case's checks are meant to hold on a loaded
# machine (CI runs the suite with E2E_JOBS=2 on 2 cores).
JOBS=${E2E_JOBS:-1}
passed=0 failed=0 i=0
declare -A running=()           # PID of run_case -> case name
reap_one() {
	local pid
	wait -n -p pid
	report_case "${running[$pid]}"
	unset "running[$pid]"
}
start=$(date +%s)
for f in "${cases[@]}"; do
	name=$(basename "$f" .sh)
	i=$((i + 1))
	rm -rf "${OUT:?}/$name"
	mkdir -p "$OUT/$name"
	nb=$(port_blocks "$f")
	if [ -n "$FIXED_NEXT" ]; then
		base=$FIXED_NEXT
		FIXED_NEXT=$((FIXED_NEXT + nb * 200))
	else
		free_block "$nb"
		base=$BLOCK
	fi
	while [ ${#running[@]} -ge "$JOBS" ]; do reap_one; done
	run_case "$f" "$base" &
	running[$!]=$name
done
while [ ${#running[@]} -gt 0 ]; do reap_one; done

# Any process still running from a suite directory is a leak of the suite.
leaks=
for p in /proc/[0-9]*; do
	cmd=$(tr '\0' ' ' 2>/dev/null < "$p/cmdline") || continue
	case $cmd in
	*"$OUT/"*) leaks="$leaks ${p#/proc/}" ;;  # sems -f, sipp -inf, sink --out
	esac
done
for pid in $leaks; do
	kill -0 "$pid" 2>/dev/null || continue
	echo "LEAK: pid $pid still running: $(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | cut -c1-120); killing it"
	kill -KILL "$pid" 2>/dev/null
	failed=$((failed + 1))
done

echo "(e2e took $(($(date +%s) - start)) s; logs in $OUT)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
