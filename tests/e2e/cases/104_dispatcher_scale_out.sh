#!/bin/bash
# 104: scale-out: Kamailio with etc/kamailio/sems-dispatcher.cfg in front of
# three servers on 127.0.0.1.  60 calls are spread over all three; server 1
# drained (POST /drain): OPTIONS probing takes it out, new calls avoid it;
# server 2 SIGKILLed: new calls still all succeed on the others.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops.sh"
e2e_init
command -v kamailio > /dev/null || e2e_fail "kamailio not installed"
e2e_add_script announce
e2e_write_config
declare -a PIDS SIPP HTTPP
for i in 1 2 3; do
	SIPP[$i]=$((E2E_PORT_BASE + 89 + i)); HTTPP[$i]=$((E2E_PORT_BASE + 94 + i))
	lo=$((E2E_PORT_BASE + 70 + 30 * i))
	sed "s/^sip_port=.*/sip_port=${SIPP[$i]}/; s/^rtp_low_port=.*/rtp_low_port=$lo/; s/^rtp_high_port=.*/rtp_high_port=$((lo + 29))/; s/^loglevel=.*/loglevel=2/" \
		"$CASE_DIR/sems.conf" > "$CASE_DIR/sems$i.conf"
	echo "http_listen=127.0.0.1:${HTTPP[$i]}" >> "$CASE_DIR/sems$i.conf"
	"$E2E_PREFIX/sbin/sems" -f "$CASE_DIR/sems$i.conf" -E -D 2 > "$CASE_DIR/sems$i.log" 2>&1 &
	PIDS[$i]=$!; e2e_track "${PIDS[$i]}"
	echo "1 sip:127.0.0.1:${SIPP[$i]}" >> "$CASE_DIR/ds.list"
done
for i in 1 2 3; do
	for ((t = 0; t < 100; t++)); do grep -q ' ready: SIP on ' "$CASE_DIR/sems$i.log" && break; sleep 0.1; done
	grep -q ' ready: SIP on ' "$CASE_DIR/sems$i.log" || e2e_fail "server $i not ready: $(tail -2 "$CASE_DIR/sems$i.log")"
done
kamailio -f "$E2E_ROOT/etc/kamailio/sems-dispatcher.cfg" -DD -E -w "$CASE_DIR" -P "$CASE_DIR/kamailio.pid" \
	-A "SEMS_LISTEN=udp:127.0.0.1:$E2E_SIP_PORT" -A "SEMS_DS_LIST=\"$CASE_DIR/ds.list\"" \
	> "$CASE_DIR/kamailio.log" 2>&1 &
KAM_PID=$!; e2e_track "$KAM_PID"
for ((t = 0; t < 50; t++)); do e2e_port_bound "$E2E_SIP_PORT" && break; sleep 0.1; done
e2e_port_bound "$E2E_SIP_PORT" || e2e_fail "kamailio not listening: $(grep -m2 ERROR "$CASE_DIR/kamailio.log")"
sleep 1.5
count() { grep -c "running application 'announce'" "$CASE_DIR/sems$1.log"; }

E2E_SIPP_TIMEOUT=60 e2e_sipp load uac_announce.xml announce -m 60 -l 30 -r 20
e2e_expect_rc load 0 "60 calls through the dispatcher"
[ "$(e2e_sipp_successful load)" = 60 ] || e2e_fail "$(e2e_sipp_successful load) of 60 calls succeeded"
c1=$(count 1) c2=$(count 2) c3=$(count 3)
e2e_log "spread: $c1 $c2 $c3"
[ $((c1 + c2 + c3)) = 60 ] && [ "$c1" -ge 10 ] && [ "$c2" -ge 10 ] && [ "$c3" -ge 10 ] ||
	e2e_fail "60 calls spread $c1/$c2/$c3 over the three servers, want >= 10 each"

out=$(OPS_URL=http://127.0.0.1:${HTTPP[1]} ops_http post /drain)
[ "${out%% *}" = 200 ] || e2e_fail "POST /drain to server 1: $out"
sleep 2.5     # a probe or two: server 1 answers OPTIONS 503
E2E_SIPP_TIMEOUT=60 e2e_sipp drained uac_announce.xml announce -m 15 -l 15 -r 10
e2e_expect_rc drained 0 "15 calls with server 1 drained"
d1=$(( $(count 1) - c1 )); d2=$(( $(count 2) - c2 )); d3=$(( $(count 3) - c3 ))
[ "$d1" = 0 ] && [ $((d2 + d3)) = 15 ] || e2e_fail "with server 1 drained the calls went $d1/$d2/$d3"
grep -q "draining: 503" "$CASE_DIR/sems1.log" && e2e_log "(an INVITE reached the drained server and failed over)"

kill -KILL "${PIDS[2]}"; wait "${PIDS[2]}" 2>/dev/null
k3=$(count 3)
E2E_SIPP_TIMEOUT=60 e2e_sipp killed uac_announce.xml announce -m 15 -l 15 -r 10
e2e_expect_rc killed 0 "15 calls with server 2 killed"
[ "$(e2e_sipp_successful killed)" = 15 ] || e2e_fail "$(e2e_sipp_successful killed) of 15 calls succeeded after the SIGKILL"
[ $(( $(count 3) - k3 )) = 15 ] || e2e_fail "server 3 took $(( $(count 3) - k3 )) of the 15 calls after the SIGKILL"
e2e_pass
