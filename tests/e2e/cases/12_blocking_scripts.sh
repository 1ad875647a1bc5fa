#!/bin/bash
# 12: handlers that block.  100 calls at 25/s to a script whose
# onSessionStart waits 1 s for a slow HTTP server, with 4 fixed session
# workers: the pool grows, so every call is answered at once (INVITE->200
# under 200 ms for all), gets its lookup result after about 1 s, and its
# BYE within 3 s of the answer.  A pool of 4 alone would need 25 s.
. "$(dirname "$0")/../lib.sh"
e2e_init
http_port=$((E2E_PORT_BASE + 90))
"$PYTHON" "$E2E_DIR/slow_http.py" --port "$http_port" --delay 1 --ready "$CASE_DIR/http.ready" &
e2e_track $!
for ((i = 0; i < 50; i++)); do [ -f "$CASE_DIR/http.ready" ] && break; sleep 0.1; done
e2e_add_script slow_lookup
echo "lookup_url=http://127.0.0.1:$http_port/" > "$CASE_DIR/etc/slow_lookup.conf"
e2e_write_config session_processor_threads=4 session_processor_threads_max=256
e2e_start_server slow_lookup
e2e_sink_start sink "$E2E_SINK_PORT" 1
E2E_SIPP_TIMEOUT=40 e2e_sipp call uac_announce.xml slow_lookup -m 100 -l 100 -r 25 -trace_rtt -rtt_freq 1
e2e_sink_stop sink
ok=$(e2e_sipp_successful call)
[ "$ok" = 100 ] || e2e_fail "$ok of 100 calls succeeded; $(e2e_sipp_responses call | cut -c1-200)"
got=$(grep -c 'slow_lookup: .* got result for /' "$CASE_DIR/sems.log")
[ "$got" = 100 ] || e2e_fail "$got of 100 lookups logged"
# INVITE->200 per call (sipp's response-time trace, ms)
rtt=$(ls "$CASE_DIR"/*_rtt.csv 2>/dev/null | head -1)
[ -n "$rtt" ] || e2e_fail "sipp wrote no response-time trace"
max=$(awk -F';' 'NR > 1 && $2 != "" { if ($2 + 0 > m) m = $2 + 0 } END { print m + 0 }' "$rtt")
n=$(awk -F';' 'NR > 1 && $2 != "" { n++ } END { print n + 0 }' "$rtt")
[ "$n" -ge 100 ] || e2e_fail "only $n response times in $rtt"
e2e_log "INVITE->200: max $max ms over $n calls"
awk -v m="$max" 'BEGIN { exit !(m < 200) }' || e2e_fail "slowest INVITE->200 $max ms, want < 200"
# each lookup took about 1 s, not a queue's worth
slow=$(sed -nE 's/.*slow_lookup: .* after ([0-9]+) ms.*/\1/p' "$CASE_DIR/sems.log" | sort -n | tail -1)
[ "${slow:-99999}" -lt 1500 ] || e2e_fail "slowest lookup $slow ms, want < 1500"
e2e_stop_server
e2e_pass
