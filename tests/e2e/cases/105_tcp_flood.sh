#!/bin/bash
# 105: a flood of idle TCP connections at the open file limit.  The server
# runs with RLIMIT_NOFILE 40 (prlimit on its PID, 8 fds kept in reserve);
# 60 connections are opened to its SIP port over TCP and 20 to its HTTP
# port, and nothing is sent on them.  It must take connections until it
# reaches the upper half of the reserve and close every one after that at
# once (the flooder sees EOF on them: none is left queued in the backlog,
# where libre's accept() would fail with EMFILE and its loop spin), log
# that once (not once a connection), not spin (utime+stime over 3 s below
# 0.3 s), and leave the upper half of the reserve (fds 36-39) to
# what is not a connection.  A call during the flood gets a clean 503;
# once the flooder closes its connections the server's fds come back to
# what they were, a call is served, and /metrics answers.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops.sh"
e2e_init
ops_init
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "could not write prompt.wav"
e2e_add_script_as fault_probe short "out=$CASE_DIR/short.jsonl" mode=hold "prompt=$CASE_DIR/prompt.wav" hold_s=0.5
e2e_write_config http_listen=127.0.0.1:$E2E_HTTP_PORT
e2e_start_server short
prlimit --pid "$SEMS_PID" --nofile=40:40 || e2e_fail "prlimit on $SEMS_PID failed"
fds() { ls "/proc/$SEMS_PID/fd" | wc -l; }
cpu() { awk '{ print $14 + $15 }' "/proc/$SEMS_PID/stat"; }   # clock ticks
fds0=$(fds)
e2e_log "fds open at start: $fds0, limit 40"

"$PYTHON" "$E2E_DIR/tcp_flood.py" "$CASE_DIR/flood.json" "$CASE_DIR/flood.stop" \
	"127.0.0.1:$E2E_SIP_PORT:60" "127.0.0.1:$E2E_HTTP_PORT:20" &
flooder=$!
e2e_track $flooder
for ((i = 0; i < 100; i++)); do [ -f "$CASE_DIR/flood.json" ] && break; sleep 0.1; done
[ -f "$CASE_DIR/flood.json" ] || e2e_fail "the flooder wrote no report in 10 s"
e2e_log "flood: $(cat "$CASE_DIR/flood.json")"
t0=$(cpu)
sleep 3
t1=$(cpu)
tick=$(getconf CLK_TCK)
full=$(fds)
high=$(for f in /proc/$SEMS_PID/fd/*; do n=${f##*/}; [ "$n" -ge 36 ] && echo "$n:$(readlink "$f")"; done)
e2e_log "during the flood: $full fds open, cpu $((t1 - t0)) ticks in 3 s ($tick/s); fds 36-39: ${high:-none}"
sip="S['targets']['127.0.0.1:$E2E_SIP_PORT']"
http="S['targets']['127.0.0.1:$E2E_HTTP_PORT']"
e2e_check flood "$sip['opened'] + $sip['failed'] == 60 and $http['opened'] + $http['failed'] == 20 or 'connections: %s' % S['targets']"
# every connection over what 40 fds allow was closed by the server
e2e_check flood "$sip['refused'] + $http['refused'] >= $sip['opened'] + $http['opened'] - (40 - $fds0) or 'only %d of %d connections were closed at the limit (%s): the rest sit in the backlog' % ($sip['refused'] + $http['refused'], $sip['opened'] + $http['opened'], S['targets'])"
e2e_check flood "$sip['open'] + $http['open'] >= 40 - 8 - $fds0 or 'only %d connections were kept below the limit' % ($sip['open'] + $http['open'])"
echo "$high" | grep -q socket && e2e_fail "a connection took a descriptor in the upper half of the reserve (36-39): $high"
[ $(((t1 - t0) * 10)) -lt $((tick * 3)) ] || e2e_fail "the server used $((t1 - t0)) ticks ($tick/s) of CPU in 3 s during the flood: it spins"
n=$(grep -c "TCP connections\? .*refused at the open file limit (40, 8 kept in reserve)" "$CASE_DIR/sems.log")
[ "$n" = 1 ] || e2e_fail "$n log lines for the refused connections, want 1 (then one per 10 s)"
e2e_log "log: $(grep -m1 'refused at the open file limit' "$CASE_DIR/sems.log")"

# a call during the flood: no RTP socket in the reserve, a clean 503
e2e_scenario during wait-bye:3000
e2e_sipp during "$CASE_DIR/during.xml" short -m 1
grep -q '^SIP/2.0 503 Service Unavailable (out of file descriptors)' "$CASE_DIR/during.msg.log" ||
	e2e_fail "a call during the flood did not get 503 (out of file descriptors)"
e2e_server_alive

touch "$CASE_DIR/flood.stop"
wait $flooder
for ((i = 0; i < 50; i++)); do [ "$(fds)" -le "$fds0" ] && break; sleep 0.1; done
[ "$(fds)" -le "$fds0" ] || e2e_fail "$(fds) fds open 5 s after the flood ended, $fds0 before it"
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))
e2e_scenario after wait-bye:5000
e2e_sipp after "$CASE_DIR/after.xml" short -m 2 -l 1 -r 10
e2e_expect_rc after 0 "calls after the flood"
[ "$(e2e_sipp_successful after)" = 2 ] || e2e_fail "want 2 calls after the flood, got $(e2e_sipp_successful after)"
ops_metrics "m('sems_invite_replies', code=503) == 1 or '%s 503s counted, want 1' % m('sems_invite_replies', code=503)"
refused=$("$PYTHON" -c "import json; t = json.load(open('$CASE_DIR/flood.json'))['targets']; print(sum(v['refused'] for v in t.values()))")
ops_metrics "m('sems_tcp_connections_refused') >= $refused or '%s refused connections counted, the flooder saw $refused' % m('sems_tcp_connections_refused')"
e2e_stop_server
e2e_pass
