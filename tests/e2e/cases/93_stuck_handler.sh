#!/bin/bash
# 93: a script whose onSessionStart never returns.  The call is answered
# (onInvite's default), then the handler spins forever (`while True: pass`):
#  - the caller's BYE gets 200 and the call's RTP socket (the port of the
#    SDP answer) is closed within 1 s of the BYE, the handler still running;
#  - the handler is reported once it runs longer than handler_warn_time
#    (1 s here) with script, handler name and Call-ID;
#  - other calls are still served (an announcement with RTP);
#  - a second stuck call (blocked in time.sleep) still up at SIGTERM gets
#    its BYE, and the server exits 0 within max_shutdown_time (2 s) + 3 s
#    although two workers never return.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_add_script_as stuck_handler stuck mode=loop
e2e_add_script_as stuck_handler stuck_sleep mode=sleep
e2e_write_config handler_warn_time=1 max_shutdown_time=2 session_processor_threads=2
e2e_start_server announce stuck stuck_sleep

e2e_sipp hangup uac_hangup.xml stuck
e2e_expect_rc hangup 0 "caller BYE to the stuck call (want 200)"
bye=$(awk '/BYE_SENT/ { printf "%d.%06d\n", $2, $3 }' "$CASE_DIR/hangup.actions.log")
port=$(sed -nE 's/.*answer: m=audio ([0-9]+) RTP.*/\1/p' "$CASE_DIR/hangup.actions.log" | head -1)
[ -n "$bye" ] && [ -n "$port" ] || e2e_fail "no BYE_SENT time or answer port in hangup.actions.log"
closed=
for ((i = 0; i < 30; i++)); do
	e2e_port_bound "$port" || { closed=$(date +%s.%N); break; }
	sleep 0.05
done
[ -n "$closed" ] || e2e_fail "RTP port $port of the stuck call still open 1.5 s after the BYE"
awk -v c="$closed" -v b="$bye" 'BEGIN { exit !(c - b <= 1.0) }' ||
	e2e_fail "RTP port $port closed $(awk -v c="$closed" -v b="$bye" 'BEGIN { printf "%.2f", c - b }') s after the BYE, want <= 1 s"
e2e_log "RTP port $port closed $(awk -v c="$closed" -v b="$bye" 'BEGIN { printf "%.2f", c - b }') s after the BYE"
callid=$(awk '/^Call-ID:/ { print $2; exit }' "$CASE_DIR/hangup.msg.log" | tr -d '\r')
for ((i = 0; i < 30; i++)); do
	grep -q "handler onSessionStart of 'stuck' .*handler_warn_time=1 s.*call-id $callid" "$CASE_DIR/sems.log" && break
	sleep 0.1
done
e2e_log_has "handler onSessionStart of 'stuck' .*handler_warn_time=1 s.*call-id $callid" \
	"the handler_warn_time warning naming script, handler and Call-ID"
n=$(grep -c "handler onSessionStart of 'stuck' " "$CASE_DIR/sems.log")
[ "$n" = 1 ] || e2e_fail "the long handler was reported $n times, want once"
e2e_server_alive

e2e_sink_start sink
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "announce call next to the stuck handler"
e2e_check sink "P['packets'] > 0 or 'no RTP on the announce call'"

# a stuck call still up when the server is told to stop
e2e_sipp up uac_ends_by_server.xml stuck_sleep &
up_job=$!
for ((i = 0; i < 50; i++)); do
	grep -q 'stuck_handler: .* enters its endless handler' <(grep -v "$callid" "$CASE_DIR/sems.log") && break
	sleep 0.1
done
sleep 0.3
t0=$(date +%s.%N)
kill -TERM "$SEMS_PID"
for ((i = 0; i < 80; i++)); do
	kill -0 "$SEMS_PID" 2>/dev/null || break
	sleep 0.1
done
t1=$(date +%s.%N)
kill -0 "$SEMS_PID" 2>/dev/null && e2e_fail "server still running 8 s after SIGTERM"
wait "$SEMS_PID"
rc=$?
SEMS_PID=
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
e2e_log "server exited $rc, $took s after SIGTERM"
[ "$rc" = 0 ] || e2e_fail "server exit status $rc after SIGTERM, want 0"
awk -v t="$took" 'BEGIN { exit !(t <= 5.0) }' || e2e_fail "server took $took s to stop, want <= 5 (max_shutdown_time 2 + 3)"
wait "$up_job"
e2e_expect_rc up 0 "stuck call up at SIGTERM (want the server's BYE)"
e2e_pass
