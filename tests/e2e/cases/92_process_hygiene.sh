#!/bin/bash
# 92: started with stdin/stdout/stderr closed, the server runs (fds 0-2
# on /dev/null, logs to syslog instead of the closed stderr), answers a
# call and then idles at ~0 % CPU; -P on the pid file of a live process
# refuses to start and leaves the file alone; a stale pid file is
# replaced, and removed at exit; a pid file that is no longer ours is
# left alone at exit.  It runs with glibc's per-thread malloc caches off
# (re-executed once, same PID), unless the environment sizes them.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
PIDF=$CASE_DIR/sems.pid

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
wait_bound() {
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$SEMS_PID" 2>/dev/null || e2e_fail "server exited at start-up ($(e2e_exit_status))"
		e2e_port_bound "$E2E_SIP_PORT" && return 0
		sleep 0.1
	done
	e2e_fail "server not listening after 10 s"
}

# 1. a stale pid file (a process that is gone) is replaced
sleep 0 & dead=$!
wait "$dead"
echo "$dead" > "$PIDF"
"$E2E_PREFIX/sbin/sems" -f "$CASE_DIR/sems.conf" -E -P "$PIDF" <&- >&- 2>&- &
SEMS_PID=$!
e2e_track "$SEMS_PID"
wait_bound
[ "$(cat "$PIDF")" = "$SEMS_PID" ] || e2e_fail "stale pid file not replaced: $(cat "$PIDF"), server $SEMS_PID"
for fd in 0 1 2; do
	[ "$(readlink "/proc/$SEMS_PID/fd/$fd")" = /dev/null ] ||
		e2e_fail "fd $fd of the server is $(readlink "/proc/$SEMS_PID/fd/$fd"), want /dev/null"
done
# it re-executed itself (same PID: the pid file above) with glibc's
# per-thread malloc caches off (malloc_setup.c); not under ASan
tunables=$(tr '\0' '\n' < "/proc/$SEMS_PID/environ" | grep '^GLIBC_TUNABLES=')
if [ -z "${SEMS_SANITIZED:-}" ]; then
	[ "$tunables" = GLIBC_TUNABLES=glibc.malloc.tcache_count=0 ] ||
		e2e_fail "the server runs with '${tunables:-no GLIBC_TUNABLES}', want glibc.malloc.tcache_count=0"
fi

# 2. it answers a call with its standard fds closed
e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "call to the server started without stdout/stderr"
e2e_check sink "P['packets'] > 0 or 'no RTP from the server'"

# 3. then idles
sleep 0.5
t0=$(cpu_ticks "$SEMS_PID")
sleep 3
t1=$(cpu_ticks "$SEMS_PID")
hz=$(getconf CLK_TCK)
e2e_log "idle: $((t1 - t0)) ticks in 3 s (CLK_TCK $hz)"
[ $((t1 - t0)) -le $((hz * 3 / 20)) ] || e2e_fail "idle server used $((t1 - t0)) ticks of CPU in 3 s (> 5 %)"

# 4. a second server on the live pid file refuses, the file stays
out=$("$E2E_PREFIX/sbin/sems" -f "$CASE_DIR/sems.conf" -E -P "$PIDF" 2>&1)
rc=$?
[ $rc -ne 0 ] || e2e_fail "a second server started on the pid file of a live one"
echo "$out" | grep -q "belongs to running process $SEMS_PID" ||
	e2e_fail "second server did not say why it refused: $(echo "$out" | tail -2 | tr '\n' ' ' | cut -c1-200)"
[ "$(cat "$PIDF")" = "$SEMS_PID" ] || e2e_fail "the refused server changed the pid file"

# 5. at exit the pid file (ours) is removed
e2e_stop_server
[ -e "$PIDF" ] && e2e_fail "pid file left behind at exit"

# 6. a pid file that is no longer ours is left alone at exit
"$E2E_PREFIX/sbin/sems" -f "$CASE_DIR/sems.conf" -E -P "$PIDF" > "$CASE_DIR/sems.log" 2>&1 &
SEMS_PID=$!
e2e_track "$SEMS_PID"
wait_bound
sleep 30 & other=$!
e2e_track "$other"
echo "$other" > "$PIDF"
e2e_stop_server
[ "$(cat "$PIDF" 2>/dev/null)" = "$other" ] || e2e_fail "a pid file that was not ours any more was removed or changed"
e2e_log_has "is not ours any more" "the warning about a pid file that is not ours"
kill "$other" 2>/dev/null
e2e_pass
