# ops.sh: helpers for the operations cases (100-109: metrics, drain, hot
# reload, scale-out).  Sourced after lib.sh:
#
#   ops_init                     E2E_HTTP_PORT (TCP, base+99) and HTTP_URL
#   e2e_write_config http_listen=127.0.0.1:$E2E_HTTP_PORT
#   ops_metrics PYEXPR           fails the case unless PYEXPR holds on a
#                                scrape of /metrics (see http_check.py)
#   ops_calls PYEXPR             the same on GET /calls (C: the list)
#   ops_http get|post PATH [TOKEN]   prints "CODE BODY"
#   ops_wait_calls N [APP]       waits (10 s) until /calls lists N calls

OPS_CHECK=$E2E_DIR/http_check.py

ops_init() {
	"$PYTHON" -c 'import prometheus_client' 2>/dev/null ||
		e2e_fail "python3-prometheus-client is not installed (make deps-test)"
	E2E_HTTP_PORT=$((E2E_PORT_BASE + 99))
	HTTP_URL=http://127.0.0.1:$E2E_HTTP_PORT
}

ops_metrics() {
	local out
	out=$("$PYTHON" "$OPS_CHECK" "$HTTP_URL" metrics "$1") || e2e_fail "/metrics: $out"
}

ops_calls() {
	local out
	out=$("$PYTHON" "$OPS_CHECK" "$HTTP_URL" calls "$1") || e2e_fail "/calls: $out"
}

ops_http() { "$PYTHON" "$OPS_CHECK" "${OPS_URL:-$HTTP_URL}" "$@"; }

ops_wait_calls() {
	local n=$1 app=${2:-} i
	for ((i = 0; i < 100; i++)); do
		"$PYTHON" "$OPS_CHECK" "$HTTP_URL" calls \
			"len([c for c in C if c['state'] == 'connected' and ('$app' == '' or c['application'] == '$app')]) >= $n" \
			> /dev/null 2>&1 && return 0
		sleep 0.1
	done
	e2e_fail "GET /calls never listed $n connected ${app:-} calls"
}
