# listen_lib.sh: helpers of the startListen cases (110-119), sourced after lib.sh.
#
#   listen_server NAME MODE [PORT]  starts ws_test_server.py (MODE: see there)
#                                   on 127.0.0.1:PORT (default base+90, TCP);
#                                   JSON lines in $CASE_DIR/NAME.jsonl, the
#                                   caller's audio in NAME.jsonl-K.wav
#   listen_server_stop NAME
#   listen_check NAME PYEXPR        PYEXPR over the server's lines: W (all),
#                                   A (audio lines), S (start messages), T (text)
E2E_WS_PORT=$((E2E_PORT_BASE + 90))

listen_server() {
	local name=$1 mode=$2 port=${3:-$E2E_WS_PORT} i pid
	rm -f "$CASE_DIR/$name.ready"
	"$PYTHON" "$E2E_DIR/ws_test_server.py" --port "$port" --mode "$mode" \
		--out "$CASE_DIR/$name.jsonl" --ready "$CASE_DIR/$name.ready" \
		> "$CASE_DIR/$name.log" 2>&1 &
	pid=$!
	e2e_track "$pid"
	eval "WS_PID_$name=$pid"
	for ((i = 0; i < 50; i++)); do
		[ -f "$CASE_DIR/$name.ready" ] && return 0
		kill -0 "$pid" 2>/dev/null || e2e_fail "ws server $name failed: $(tail -3 "$CASE_DIR/$name.log")"
		sleep 0.1
	done
	e2e_fail "ws server $name not ready"
}

listen_server_stop() {
	local pid
	eval "pid=\${WS_PID_$1:-}"
	[ -n "$pid" ] && e2e_kill_pid "$pid" 10
	touch "$CASE_DIR/$1.jsonl"
}

listen_check() {
	local file=$CASE_DIR/$1.jsonl expr=$2 out
	out=$("$PYTHON" - "$file" "$expr" <<'PYEOF'
import json, sys
W = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
A = [w for w in W if w["ev"] == "audio"]
S = [w["msg"] for w in W if w["ev"] == "start"]
T = [w for w in W if w["ev"] == "text"]
def gaps(k=1):
    t = [a["t"] for a in A if a.get("k", 1) == k]
    return [round((b - a) * 1000, 1) for a, b in zip(t, t[1:])]
try:
    r = eval(sys.argv[2])
except Exception as e:
    r = "check raised %r" % e
if r is True or r == 1:
    sys.exit(0)
print(r if isinstance(r, str) else "check failed: " + sys.argv[2])
sys.exit(1)
PYEOF
) || e2e_fail "ws server $1: $out"
}

# listen_share WAV HZ: the share of HZ in WAV's energy (after 0.3 s).
listen_share() {
	"$PYTHON" "$E2E_DIR/wav_check.py" "$1" --share "$2" --skip "${3:-0.3}" |
		"$PYTHON" -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["share"])'
}
