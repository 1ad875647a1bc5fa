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
#   uac_tones_crossed             heard_a.wav (the caller) holds the
#         callee's 1500 Hz and not its own 700 Hz, heard_b.wav the reverse
#         (share of the signal's energy after 1 s: > 0.5 / < 0.1)

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

# uac_tones_crossed: see the top.
uac_tones_crossed() {
	local file hz want what
	while read -r file hz want what; do
		"$PYTHON" "$E2E_DIR/wav_check.py" "$CASE_DIR/$file.wav" --share "$hz" --skip 1.0 \
			> "$CASE_DIR/$file-$hz.json" || e2e_fail "no audio saved in $file.wav"
		"$PYTHON" - "$CASE_DIR/$file-$hz.json" "$want" "$what" <<'PY' || e2e_fail "$(cat "$CASE_DIR/chk.out")"
import json, sys
e = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2], {}, e)
open(sys.argv[1].rsplit("/", 1)[0] + "/chk.out", "w").write("%s: %s (%s)" % (sys.argv[3], e, sys.argv[2]))
sys.exit(0 if ok else 1)
PY
	done <<'EOF_CHECKS'
heard_a 1500 share>0.5 the caller does not hear the callee's 1500 Hz
heard_b 700 share>0.5 the callee does not hear the caller's 700 Hz
heard_a 700 share<0.1 the caller hears its own tone
heard_b 1500 share<0.1 the callee hears its own tone
EOF_CHECKS
}
