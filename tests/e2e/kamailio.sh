# kamailio.sh: Kamailio in front of the server, for the 5N_kamailio_* cases.
# Sourced after lib.sh:
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/../kamailio.sh"
#   e2e_init
#   kam_init                    # Kamailio takes $E2E_SIP_PORT (sipp's target),
#                               # the server's own SIP moves to $SEMS_SIP_PORT
#   e2e_add_script announce
#   kam_write_config            # e2e_write_config + SER sockets (key=value args too)
#   e2e_start_server announce
#   kam_start                   # etc/kamailio/sems-t_write_unix.cfg, waits until ready
#   e2e_sipp call uac_announce.xml announce     # through Kamailio
#
# kam_case_start SCRIPT... does the six set-up lines above in one.
#
# Kamailio runs in the foreground (-DD -E, log in $CASE_DIR/kamailio.log),
# its PID is tracked like every other process and killed by PID.

KAM_CFG=${KAM_CFG:-$E2E_ROOT/etc/kamailio/sems-t_write_unix.cfg}

kam_init() {
	command -v kamailio > /dev/null || e2e_fail "kamailio not installed"
	KAM_PORT=$E2E_SIP_PORT
	SEMS_SIP_PORT=$((E2E_PORT_BASE + 1))
	# unix socket paths must fit in 108 bytes
	KAM_SOCK_DIR=$CASE_DIR
	if [ ${#KAM_SOCK_DIR} -gt 80 ]; then
		KAM_SOCK_DIR=$(mktemp -d /tmp/sems-e2e.XXXXXX)
		echo "$KAM_SOCK_DIR" > "$CASE_DIR/sock_dir"
	fi
	SEMS_SOCK=$KAM_SOCK_DIR/sems_sock
	KAM_RPC_SOCK=$KAM_SOCK_DIR/kam_rpc.sock
	SEMS_REPLY_SOCK=$KAM_SOCK_DIR/sems_reply.sock
	KAM_PID=
}

kam_write_config() {
	e2e_write_config sip_port="$SEMS_SIP_PORT" socket_name="$SEMS_SOCK" \
		ser_socket_name="$KAM_RPC_SOCK" reply_socket_name="$SEMS_REPLY_SOCK" "$@"
}

# kam_start [-A define ...]: starts Kamailio on 127.0.0.1:$KAM_PORT and
# waits (5 s bound) for its UDP port and RPC socket.
kam_start() {
	local i
	e2e_port_bound "$KAM_PORT" && e2e_fail "Kamailio port $KAM_PORT already in use"
	kamailio -f "$KAM_CFG" -DD -E -w "$CASE_DIR" -Y "$KAM_SOCK_DIR" \
		-P "$CASE_DIR/kamailio.pid" \
		-A "SEMS_LISTEN=udp:127.0.0.1:$KAM_PORT" -A "SEMS_ADDR=\"127.0.0.1:$KAM_PORT\"" \
		-A "SEMS_SOCK=\"$SEMS_SOCK\"" -A "SEMS_RPC_SOCK=\"$KAM_RPC_SOCK\"" \
		"$@" > "$CASE_DIR/kamailio.log" 2>&1 &
	KAM_PID=$!
	e2e_track "$KAM_PID"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$KAM_PID" 2>/dev/null ||
			e2e_fail "kamailio exited at start-up: $(grep -m2 -E 'ERROR|CRITICAL' "$CASE_DIR/kamailio.log")"
		[ -S "$KAM_RPC_SOCK" ] && e2e_port_bound "$KAM_PORT" && {
			e2e_log "kamailio pid $KAM_PID ready on $KAM_PORT"
			return 0
		}
		sleep 0.1
	done
	e2e_fail "kamailio not ready after 5 s"
}

kam_stop() {
	[ -n "$KAM_PID" ] && e2e_kill_pid "$KAM_PID" 30
	KAM_PID=
	[ -f "$CASE_DIR/sock_dir" ] && rm -rf "$(cat "$CASE_DIR/sock_dir")"
	return 0
}

# kam_log_has REGEX [what]: Kamailio's log must match REGEX.
kam_log_has() {
	grep -qE "$1" "$CASE_DIR/kamailio.log" || e2e_fail "kamailio log lacks ${2:-/$1/}"
}

# kam_log_lacks REGEX what: Kamailio's log must not match REGEX.
kam_log_lacks() {
	! grep -qE "$1" "$CASE_DIR/kamailio.log" || e2e_fail "kamailio log has $2: $(grep -m1 -E "$1" "$CASE_DIR/kamailio.log")"
}

# kam_case_start SCRIPT...: the usual start of a case: the scripts, the
# server in SER mode, and Kamailio in front of it.
kam_case_start() {
	local script
	e2e_init
	kam_init
	for script in "$@"; do
		e2e_add_script "$script"
	done
	kam_write_config
	e2e_start_server "$@"
	kam_start
}
