# uac_lib.sh: helpers of the dialout / B2BUA cases (70-79), on top of
# lib.sh (source that first).
#
#   uac_sipp_bg NAME SCENARIO PORT [sipp args...]   a sipp instance (UAS,
#         or a UAC towards the server when the args end with the target)
#         in the background on PORT, traces like e2e_sipp; -m 1 default
#   uac_sipp_wait NAME [what]     waits for it; rc in $CASE_DIR/NAME.rc
#   uac_wait_log REGEX [seconds]  waits until sems.log matches
#   uac_msg_has NAME REGEX what   the first INVITE sipp NAME received has
#                                 a line matching REGEX (grep -E)

uac_sipp_bg() {
	local name=$1 scen=$2 port=$3 pid
	shift 3
	case $scen in /*) ;; *) scen=$E2E_SCEN/$scen ;; esac
	case " $* " in *" -m "*) ;; *) set -- -m 1 "$@" ;; esac
	e2e_log "sipp $name (background): ${scen##*/} on port $port $*"
	(cd "$CASE_DIR" && exec sipp -sf "$scen" -i 127.0.0.1 -p "$port" \
		-timeout "${E2E_SIPP_TIMEOUT:-25}s" -timeout_error -nostdin \
		-trace_err -error_file "$CASE_DIR/$name.err.log" \
		-trace_msg -message_file "$CASE_DIR/$name.msg.log" \
		-trace_screen -screen_file "$CASE_DIR/$name.screen.log" \
		-trace_logs -log_file "$CASE_DIR/$name.actions.log" \
		"$@" > "$CASE_DIR/$name.out" 2>&1) &
	pid=$!
	e2e_track "$pid"
	eval "UAC_SIPP_PID_$name=$pid"
	sleep 0.3
}

uac_sipp_wait() {
	local name=$1 pid rc
	eval "pid=\${UAC_SIPP_PID_$name:-}"
	wait "$pid"
	rc=$?
	echo "$rc" > "$CASE_DIR/$name.rc"
	e2e_log "sipp $name exit $rc"
}

uac_wait_log() {
	local re=$1 bound=${2:-10} i
	for ((i = 0; i < bound * 10; i++)); do
		grep -qE "$re" "$CASE_DIR/sems.log" && return 0
		sleep 0.1
	done
	return 1
}

uac_msg_has() {
	local name=$1 re=$2 what=$3
	awk '/message received/ { f = 1; next } f && /^INVITE / { p = 1 } p && /^$|^\r$/ { exit } p' \
		"$CASE_DIR/$name.msg.log" | tr -d '\r' | grep -qE "$re" ||
		e2e_fail "the INVITE $name received lacks $what (/$re/)"
}
