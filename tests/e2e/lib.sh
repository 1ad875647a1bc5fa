# lib.sh: helpers sourced by every tests/e2e/cases/*.sh (end-to-end tests).
#
# A case is a bash script that sources this file, builds a server set-up,
# drives it with sipp and asserts.  Minimal case:
#
#   . "$(dirname "$0")/../lib.sh"
#   e2e_init                          # case dir, ports, cleanup trap
#   e2e_add_script announce           # installed example (or tests/e2e/scripts/NAME.py)
#   e2e_write_config                  # sems.conf + ivr.conf (key=value args override)
#   e2e_start_server announce         # start, wait until "announce" is registered
#   e2e_sink_start sink               # RTP sink on $E2E_SINK_PORT -> $CASE_DIR/sink.json
#   e2e_sipp call uac_announce.xml announce      # sipp; rc in $CASE_DIR/call.rc
#   e2e_sink_stop sink
#   e2e_expect_rc call 0
#   e2e_check sink "45 <= P['pps'] <= 55 or 'rate %.1f pkt/s' % P['pps']"
#   e2e_stop_server                   # SIGTERM; fails on a hang or leaked sessions
#   e2e_pass
#
# Media and script probes (DTMF, timers, TTS, recording cases 20-29):
#   e2e_add_script_as SRC NAME [k=v ...]  tests/e2e/scripts/SRC.py as application
#                                     NAME, with NAME.conf holding the k=v lines
#                                     (e.g. out=$CASE_DIR/ev.jsonl for probes)
#   e2e_scenario NAME [uac_gen.py args] STEP...  writes $CASE_DIR/NAME.xml (see
#                                     uac_gen.py: pause/pcap/relay/dtmf/mark/bye/
#                                     wait-bye); pass "$CASE_DIR/NAME.xml" to e2e_sipp
#                                     (an absolute SCENARIO path is used as is)
#   e2e_check_events FILE PYEXPR      PYEXPR on the JSON lines a probe script wrote
#                                     to FILE: E (list of dicts), calls (dict
#                                     call -> its events), like e2e_check
#   e2e_sipp_mark NAME MARK           epoch seconds of "MARK name s us" that a
#                                     mark: step logged in NAME.actions.log
#   E2E_SIPP_MEDIA_PORT               base+14: sipp's -mp for pcap playing
#                                     (sipp uses it and the next 3 ports)
#
# Environment (set by run.sh; defaults let a case run on its own):
#   E2E_PREFIX     staged install (PREFIX/sbin/sems, PREFIX/lib/sems/...)
#   E2E_CASE_DIR   this case's scratch dir (config, logs, sipp traces, sink JSON)
#   E2E_PORT_BASE  first of 200 UDP ports reserved for this case:
#                    +0 SIP of the server, +2..+19 sipp, +20..+99 RTP sinks,
#                    +100..+199 the server's RTP range
#   PYTHON         /usr/bin/python3 (never the python3 on PATH)
#
# Failure: e2e_fail writes the reason to $CASE_DIR/reason (run.sh prints it)
# and exits 1.  Every process started here (sems, sipp, sinks) is recorded in
# $CASE_DIR/pids and killed by PID on exit, on failure too.

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_ROOT=$(cd "$E2E_DIR/../.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
E2E_PREFIX=${E2E_PREFIX:-$E2E_ROOT/build/test-install}
E2E_SCEN=$E2E_DIR/scenarios

e2e_log() { echo "[$(date +%T.%3N)] $*"; }

e2e_fail() {
	echo "$*" > "$CASE_DIR/reason"
	e2e_log "FAIL: $*"
	exit 1
}

e2e_pass() {
	e2e_log "PASS"
	exit 0
}

# Remembers a PID so that cleanup (and run.sh) can kill it.
e2e_track() { echo "$1" >> "$CASE_DIR/pids"; }

# SIGTERM, wait up to $2 tenths of a second, then SIGKILL; then the same
# (2 s) for the children it had: Kamailio's worker processes live on when
# their main process is SIGKILLed, and a backgrounded subshell's sipp
# when the subshell is killed.
e2e_kill_pid() {
	local pid=$1 bound=${2:-30} i kids c alive
	kill -0 "$pid" 2>/dev/null || return 0
	kids=$(pgrep -P "$pid" 2>/dev/null)
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < bound; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && { e2e_log "pid $pid ignored SIGTERM, SIGKILL"; kill -KILL "$pid" 2>/dev/null; }
	wait "$pid" 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		alive=
		for c in $kids; do kill -0 "$c" 2>/dev/null && alive="$alive $c"; done
		[ -z "$alive" ] && return 0
		[ "$i" = 0 ] && kill -TERM $alive 2>/dev/null
		sleep 0.1
	done
	e2e_log "children of $pid still running after it:$alive; SIGKILL"
	kill -KILL $alive 2>/dev/null
	return 0
}

e2e_cleanup() {
	local pid
	[ -f "$CASE_DIR/pids" ] || return 0
	while read -r pid; do e2e_kill_pid "$pid" 30; done < "$CASE_DIR/pids"
}

e2e_init() {
	CASE_NAME=$(basename "$0" .sh)
	CASE_DIR=${E2E_CASE_DIR:-$E2E_ROOT/build/e2e/$CASE_NAME}
	rm -rf "$CASE_DIR"
	mkdir -p "$CASE_DIR/scripts" "$CASE_DIR/etc"
	: > "$CASE_DIR/pids"
	E2E_PORT_BASE=${E2E_PORT_BASE:-$((10000 + ($$ % 100) * 200))}
	E2E_SIP_PORT=$E2E_PORT_BASE
	E2E_SINK_PORT=$((E2E_PORT_BASE + 20))
	E2E_RTP_LOW=$((E2E_PORT_BASE + 100))
	E2E_RTP_HIGH=$((E2E_PORT_BASE + 199))
	E2E_SIPP_NEXT=$((E2E_PORT_BASE + 2))
	E2E_SIPP_MEDIA_PORT=$((E2E_PORT_BASE + 14))
	SEMS_PID=
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM
	[ -x "$E2E_PREFIX/sbin/sems" ] || e2e_fail "no server at $E2E_PREFIX/sbin/sems"
	e2e_log "case $CASE_NAME dir $CASE_DIR sip port $E2E_SIP_PORT"
}

# e2e_add_script NAME: copies NAME.py from tests/e2e/scripts (or
# tests/e2e/scripts/broken) if there, else the installed example, and the
# installed NAME.conf if any, into the case's script/config dirs.
e2e_add_script() {
	local name=$1 src
	for src in "$E2E_DIR/scripts/$name.py" "$E2E_DIR/scripts/broken/$name.py" \
		   "$E2E_PREFIX/lib/sems/ivr/$name.py"; do
		[ -f "$src" ] && break
	done
	[ -f "$src" ] || e2e_fail "script $name.py not found (tests/e2e/scripts or $E2E_PREFIX/lib/sems/ivr)"
	cp "$src" "$CASE_DIR/scripts/"
	if [ -f "$E2E_DIR/scripts/$name.conf" ]; then
		cp "$E2E_DIR/scripts/$name.conf" "$CASE_DIR/etc/"
	elif [ -f "$E2E_PREFIX/etc/sems/etc/$name.conf" ]; then
		cp "$E2E_PREFIX/etc/sems/etc/$name.conf" "$CASE_DIR/etc/"
	fi
}

# e2e_write_config [key=value ...]: sems.conf and ivr.conf for this case.
e2e_write_config() {
	local kv
	{
		echo "sip_ip=127.0.0.1"
		echo "sip_port=$E2E_SIP_PORT"
		echo "media_ip=127.0.0.1"
		echo "rtp_low_port=$E2E_RTP_LOW"
		echo "rtp_high_port=$E2E_RTP_HIGH"
		echo "plugin_path=$E2E_PREFIX/lib/sems/plug-in"
		echo "load_plugins=ivr"
		echo "plugin_config_path=$CASE_DIR/etc"
		echo "application=\$(ruri.user)"
		echo "loglevel=${E2E_LOGLEVEL:-3}"
		echo "stderr=yes"
		echo "fork=no"
		echo "session_processor_threads=4"
		echo "media_processor_threads=2"
		echo "dead_rtp_time=0"
		echo "signature=sems-e2e"
	} > "$CASE_DIR/sems.conf.base"
	cp "$CASE_DIR/sems.conf.base" "$CASE_DIR/sems.conf"
	for kv in "$@"; do
		grep -v "^${kv%%=*}=" "$CASE_DIR/sems.conf" > "$CASE_DIR/sems.conf.tmp"
		echo "$kv" >> "$CASE_DIR/sems.conf.tmp"
		mv "$CASE_DIR/sems.conf.tmp" "$CASE_DIR/sems.conf"
	done
	rm -f "$CASE_DIR/sems.conf.base"
	echo "script_path=$CASE_DIR/scripts" > "$CASE_DIR/etc/ivr.conf"
}

e2e_port_bound() { [ -n "$(ss -Hunl "sport = :$1" 2>/dev/null)" ]; }

# main.c logs "sems VERSION ready: SIP on IP:PORT, ..." once it listens.
e2e_server_ready() {
	grep -q ' ready: SIP on ' "$CASE_DIR/sems.log" || e2e_port_bound "$E2E_SIP_PORT"
}

# e2e_start_server NAME...: starts sems (log: $CASE_DIR/sems.log) and waits
# (10 s bound) until each NAME is registered ("Application script
# registered: NAME.") and the server is ready (its "ready: SIP on" line, or
# the SIP port is bound).
e2e_start_server() {
	local i name missing
	e2e_port_bound "$E2E_SIP_PORT" && e2e_fail "SIP port $E2E_SIP_PORT already in use"
	"$E2E_PREFIX/sbin/sems" -f "$CASE_DIR/sems.conf" -E -D "${E2E_LOGLEVEL:-3}" \
		-P "$CASE_DIR/sems.pid" > "$CASE_DIR/sems.log" 2>&1 &
	SEMS_PID=$!
	e2e_track "$SEMS_PID"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$SEMS_PID" 2>/dev/null || e2e_fail "server exited at start-up ($(e2e_exit_status))"
		missing=
		for name in "$@"; do
			grep -q "Application script registered: $name\b" "$CASE_DIR/sems.log" || missing="$missing $name"
		done
		[ -z "$missing" ] && e2e_server_ready && {
			e2e_log "server pid $SEMS_PID ready"
			return 0
		}
		sleep 0.1
	done
	[ -n "$missing" ] && e2e_fail "server not ready after 10 s: not registered:$missing"
	e2e_fail "server not ready after 10 s: SIP port $E2E_SIP_PORT not bound"
}

e2e_exit_status() {
	wait "$SEMS_PID" 2>/dev/null
	echo "exit status $?"
}

e2e_server_alive() {
	kill -0 "$SEMS_PID" 2>/dev/null || e2e_fail "server died ($(e2e_exit_status))"
}

# Stops the server; fails if it needed SIGKILL (does not stop on SIGTERM)
# or if sessions were still alive although every call had ended (a leak):
# main.c logs "signal 15: shutting down (N sessions)".
e2e_stop_server() {
	local i n
	[ -n "$SEMS_PID" ] || return 0
	e2e_server_alive
	sleep 0.3                       # let the last session finish tearing down
	kill -TERM "$SEMS_PID"
	for ((i = 0; i < 50; i++)); do
		if ! kill -0 "$SEMS_PID" 2>/dev/null; then
			SEMS_PID=
			n=$(sed -nE 's/.*shutting down \(([0-9]+) sessions?\).*/\1/p' "$CASE_DIR/sems.log" | tail -1)
			[ "${n:-0}" = 0 ] || e2e_fail "$n session(s) still alive at shutdown after all calls ended"
			return 0
		fi
		sleep 0.1
	done
	kill -KILL "$SEMS_PID" 2>/dev/null
	e2e_fail "server did not stop within 5 s of SIGTERM"
}

# e2e_sink_start NAME [PORT [COUNT [rtp_sink args...]]]: RTP sink(s) on
# COUNT even ports from PORT, stats in $CASE_DIR/NAME.json when stopped.
e2e_sink_start() {
	local name=$1 port=${2:-$E2E_SINK_PORT} count=${3:-1} i pid
	shift $(($# < 3 ? $# : 3))
	rm -f "$CASE_DIR/$name.ready"
	"$PYTHON" "$E2E_DIR/rtp_sink.py" --port "$port" --count "$count" \
		--out "$CASE_DIR/$name.json" --ready "$CASE_DIR/$name.ready" \
		--duration 60 "$@" > "$CASE_DIR/$name.log" 2>&1 &
	pid=$!
	e2e_track "$pid"
	eval "SINK_PID_$name=$pid"
	for ((i = 0; i < 50; i++)); do
		[ -f "$CASE_DIR/$name.ready" ] && return 0
		kill -0 "$pid" 2>/dev/null || e2e_fail "rtp sink $name failed: $(tail -3 "$CASE_DIR/$name.log")"
		sleep 0.1
	done
	e2e_fail "rtp sink $name not ready"
}

e2e_sink_stop() {
	local name=$1 pid
	eval "pid=\${SINK_PID_$name:-}"
	[ -n "$pid" ] && e2e_kill_pid "$pid" 30
	[ -f "$CASE_DIR/$name.json" ] || e2e_fail "rtp sink $name wrote no stats"
}

# e2e_sipp NAME SCENARIO SERVICE [sipp args...]: runs one sipp client to
# the server, bounded (-timeout, default 25 s; override with E2E_SIPP_TIMEOUT;
# a reply not received within 12 s aborts the call).
# Default -m 1; the caller may pass -m/-l/-r.  The sink port reaches the
# scenario as [field0] through an injection file: $CASE_DIR/NAME.csv
# (written here with $E2E_SINK_PORT unless the case wrote it first).
# Traces: NAME.msg.log, NAME.err.log, NAME.screen.log, NAME.actions.log.
# Exit code in $CASE_DIR/NAME.rc and $E2E_SIPP_RC.
e2e_sipp() {
	local name=$1 scen=$2 service=$3 port pid
	shift 3
	case $scen in /*) ;; *) scen=$E2E_SCEN/$scen ;; esac
	port=$E2E_SIPP_NEXT
	E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
	[ -f "$CASE_DIR/$name.csv" ] || printf 'SEQUENTIAL\n%s;\n' "$E2E_SINK_PORT" > "$CASE_DIR/$name.csv"
	case " $* " in *" -m "*) ;; *) set -- -m 1 "$@" ;; esac
	e2e_log "sipp $name: ${scen##*/} to $service@127.0.0.1:$E2E_SIP_PORT $*"
	(cd "$CASE_DIR" && exec sipp -sf "$scen" -i 127.0.0.1 -p "$port" \
		-s "$service" -inf "$CASE_DIR/$name.csv" \
		-timeout "${E2E_SIPP_TIMEOUT:-25}s" -timeout_error -recv_timeout 12000 -nostdin \
		-trace_err -error_file "$CASE_DIR/$name.err.log" \
		-trace_msg -message_file "$CASE_DIR/$name.msg.log" \
		-trace_screen -screen_file "$CASE_DIR/$name.screen.log" \
		-trace_logs -log_file "$CASE_DIR/$name.actions.log" \
		"$@" "127.0.0.1:$E2E_SIP_PORT" > "$CASE_DIR/$name.out" 2>&1) &
	pid=$!
	e2e_track "$pid"
	wait "$pid"
	E2E_SIPP_RC=$?
	echo "$E2E_SIPP_RC" > "$CASE_DIR/$name.rc"
	e2e_log "sipp $name exit $E2E_SIPP_RC"
}

# Number of successful calls in sipp NAME's final statistics screen.
e2e_sipp_successful() {
	awk -F'|' '/Successful call/ { gsub(/ /, "", $3); n = $3 } END { print n + 0 }' \
		"$CASE_DIR/$1.screen.log" 2>/dev/null
}

# e2e_expect_rc NAME RC [what]: sipp NAME must have exited with RC.
e2e_expect_rc() {
	local name=$1 want=$2 what=${3:-$1} got err
	got=$(cat "$CASE_DIR/$name.rc" 2>/dev/null || echo none)
	[ "$got" = "$want" ] && return 0
	err=$(grep -iE 'unexpected|abort|timed out|timeout|regexp|failed|max.*retrans' "$CASE_DIR/$name.err.log" 2>/dev/null |
		sed -E 's/^[0-9-]+\s+[0-9:.]+\s+[0-9.]+: //' | head -2 | cut -c1-200 | tr '\n\r' '  ')
	e2e_fail "sipp $what exit $got (want $want), $(e2e_sipp_responses "$name") ${err:+-- $err}"
}

# The SIP status lines / requests sipp received, for reasons: "got: 100 200 BYE".
e2e_sipp_responses() {
	local got
	got=$(awk '/message received/ { f = 1; next } f && NF > 1 { print; f = 0 }' "$CASE_DIR/$1.msg.log" 2>/dev/null |
		sed -E 's#^SIP/2.0 ([0-9]+).*#\1#; s#^([A-Z]+) .*#\1#' | tr -d '\r' | tr '\n' ' ')
	echo "got: ${got:-nothing}"
}

# e2e_check NAME PYEXPR: evaluates PYEXPR on sink stats $CASE_DIR/NAME.json.
# Bound names: S (whole JSON), P (stats of the first port), ports (list of
# per-port stats).  The expression yields True/1 to pass, else a string (or
# False) that becomes the failure reason.
e2e_check() {
	local name=$1 expr=$2 out
	out=$("$PYTHON" - "$CASE_DIR/$name.json" "$expr" <<'EOF'
import json, sys
S = json.load(open(sys.argv[1]))
ports = [S["ports"][k] for k in sorted(S["ports"], key=int)]
P = ports[0] if ports else {}
try:
    r = eval(sys.argv[2])
except Exception as e:
    r = "check raised %r" % e
if r is True or r == 1:
    sys.exit(0)
print(r if isinstance(r, str) else "check failed: " + sys.argv[2])
sys.exit(1)
EOF
) || e2e_fail "rtp $name: $out"
}

# e2e_log_has REGEX [what]: the server log must match REGEX (grep -E).
e2e_log_has() {
	grep -qE "$1" "$CASE_DIR/sems.log" || e2e_fail "server log lacks ${2:-/$1/}"
}

# e2e_wait_log REGEX N [TENTHS]: waits (default 4 s) until the server log
# has N lines matching REGEX (grep -E); returns 1 if it did not.
e2e_wait_log() {
	local i
	for ((i = 0; i < ${3:-40}; i++)); do
		[ "$(grep -cE "$1" "$CASE_DIR/sems.log")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# e2e_log_near NAME_REGEX REASON_REGEX what: an error/warning line matching
# NAME_REGEX, followed within 20 lines by one matching REASON_REGEX
# (tracebacks span several log lines).
e2e_log_near() {
	grep -E '(ERROR|WARNING): ' "$CASE_DIR/sems.log" | grep -A 20 -E "$1" | grep -qE "$2" ||
		e2e_fail "server log lacks $3"
}

# Length in seconds (float) of a wav file.
e2e_wav_seconds() {
	soxi -D "$1" 2>/dev/null ||
		"$PYTHON" -c 'import sys, wave; w = wave.open(sys.argv[1]); print(w.getnframes() / w.getframerate())' "$1"
}

# e2e_add_script_as SRC NAME [key=value ...]: tests/e2e/scripts/SRC.py
# registered as application NAME, with NAME.conf made of the key=value
# arguments (the script's `config` dict).
e2e_add_script_as() {
	local src=$1 name=$2 kv
	shift 2
	[ -f "$E2E_DIR/scripts/$src.py" ] || e2e_fail "script $src.py not found in tests/e2e/scripts"
	cp "$E2E_DIR/scripts/$src.py" "$CASE_DIR/scripts/$name.py"
	: > "$CASE_DIR/etc/$name.conf"
	for kv in "$@"; do echo "$kv" >> "$CASE_DIR/etc/$name.conf"; done
}

# e2e_scenario NAME [--codecs "0 101"] [--media sink|sipp] STEP...:
# $CASE_DIR/NAME.xml from tests/e2e/uac_gen.py.
e2e_scenario() {
	local name=$1
	shift
	"$PYTHON" "$E2E_DIR/uac_gen.py" --out "$CASE_DIR/$name.xml" "$@" ||
		e2e_fail "uac_gen.py could not write scenario $name"
}

# e2e_sipp_mark NAME MARK: epoch seconds (float) of a mark:MARK step.
e2e_sipp_mark() {
	awk -v m="$2" '$1 == "MARK" && $2 == m { printf "%d.%06d\n", $3, $4; exit }' \
		"$CASE_DIR/$1.actions.log" 2>/dev/null
}

# e2e_check_events FILE PYEXPR: PYEXPR on the JSON lines of FILE (one
# object per line, written by a probe script).  Bound names: E (all
# objects), calls (dict: obj["call"] -> its objects, in order), keys(evs)
# (the "key" of the "dtmf" objects in evs).  True/1 passes, a string fails
# with it as the reason.
e2e_check_events() {
	local file=$1 expr=$2 out
	[ -f "$file" ] || e2e_fail "the probe script wrote no $(basename "$file")"
	out=$("$PYTHON" - "$file" "$expr" <<'EOF'
import json, sys
E = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
calls = {}
for e in E:
    calls.setdefault(e.get("call"), []).append(e)
def keys(evs):
    return [e["key"] for e in evs if e.get("ev") == "dtmf"]
try:
    r = eval(sys.argv[2])
except Exception as e:
    r = "check raised %r" % e
if r is True or r == 1:
    sys.exit(0)
print(r if isinstance(r, str) else "check failed: " + sys.argv[2])
sys.exit(1)
EOF
) || e2e_fail "events $(basename "$file"): $out"
}
