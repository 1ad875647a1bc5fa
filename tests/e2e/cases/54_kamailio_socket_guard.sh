#!/bin/bash
# 54: socket_name: a stale socket file is removed at start-up, and a second
# server refuses to start on a socket a live server is reading.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
e2e_init
kam_init
e2e_add_script announce
kam_write_config
"$PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' "$SEMS_SOCK"
[ -S "$SEMS_SOCK" ] || e2e_fail "could not make a stale socket"
e2e_start_server announce
e2e_log_has "removing stale socket $SEMS_SOCK" "the stale socket removal"

sed "s/^sip_port=.*/sip_port=$((E2E_PORT_BASE + 3))/" "$CASE_DIR/sems.conf" > "$CASE_DIR/second.conf"
timeout 10 "$E2E_PREFIX/sbin/sems" -f "$CASE_DIR/second.conf" -E -D 3 > "$CASE_DIR/second.log" 2>&1 &
pid=$!
e2e_track "$pid"
wait "$pid"
rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || e2e_fail "second server on a live socket: exit $rc (want a start-up error)"
grep -q "another server is listening on $SEMS_SOCK" "$CASE_DIR/second.log" ||
	e2e_fail "second server's log lacks the 'another server' reason"
[ -S "$SEMS_SOCK" ] || e2e_fail "the second server removed the first one's socket"
e2e_server_alive
e2e_stop_server
[ ! -e "$SEMS_SOCK" ] || e2e_fail "socket $SEMS_SOCK left behind after stop"
kam_stop
e2e_pass
