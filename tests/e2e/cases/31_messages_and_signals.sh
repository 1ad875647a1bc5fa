#!/bin/bash
# 31: ten live calls: sendMessage from the second to the first (an unknown
# destination is ignored); SIGUSR1 and SIGUSR2 reach every live call;
# SIGTERM runs onServerShutdown in every call, all ten get their BYE once
# max_shutdown_time (1 s) is over, and the server exits 0.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script msg_probe
e2e_write_config max_shutdown_time=1
e2e_start_server msg_probe
e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
E2E_SIPP_TIMEOUT=30 e2e_sipp call uac_announce.xml msg_probe -m 10 -l 10 -r 20 &
calls_pid=$!
for ((i = 0; i < 50; i++)); do
	[ "$(grep -c 'msg_probe: call .* up' "$CASE_DIR/sems.log")" -ge 10 ] && break
	sleep 0.1
done
tags=$(sed -nE 's/.*msg_probe: call ([0-9a-f]+) up.*/\1/p' "$CASE_DIR/sems.log")
first=$(echo "$tags" | sed -n 1p); second=$(echo "$tags" | sed -n 2p)
[ "$(echo "$tags" | wc -l)" = 10 ] || e2e_fail "$(echo "$tags" | wc -l) of 10 calls up"
sleep 0.3
e2e_log_has "msg_probe: $first got 'hello from $second'" "the message from the second call in the first"
grep -q "got 'lost'" "$CASE_DIR/sems.log" && e2e_fail "a message to an unknown call arrived somewhere"
kill -USR1 "$SEMS_PID"; sleep 0.3; kill -USR2 "$SEMS_PID"; sleep 0.3
for t in $tags; do
	e2e_log_has "msg_probe: $t user1" "onUser1 in call $t"
	e2e_log_has "msg_probe: $t user2" "onUser2 in call $t"
done
kill -TERM "$SEMS_PID"
start=$(date +%s.%N)
wait "$SEMS_PID"; rc=$?
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
SEMS_PID=
[ "$rc" = 0 ] || e2e_fail "server exit status $rc after SIGTERM, want 0"
awk -v t="$took" 'BEGIN { exit !(t >= 0.9 && t <= 4) }' || e2e_fail "shutdown took $took s, want 1-4 s (max_shutdown_time=1)"
for t in $tags; do e2e_log_has "msg_probe: $t shutdown" "onServerShutdown in call $t"; done
wait "$calls_pid"
e2e_expect_rc call 0 "the ten calls ended by the server's BYE"
[ "$(e2e_sipp_successful call)" = 10 ] || e2e_fail "$(e2e_sipp_successful call) of 10 calls got the BYE"
e2e_sink_stop sink
e2e_pass
