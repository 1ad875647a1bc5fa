#!/bin/bash
# 91: a third party sending RTP to a call's port does not take the call's
# audio: the caller (the SDP's address, confirmed by its packets; sink
# with --echo) keeps receiving the announcement without a gap, the third
# party gets nothing back, its packets are counted as dropped, and the
# stream never logs a change of source.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
e2e_start_server announce

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp call uac_announce.xml announce &
call_pid=$!

# the server's RTP port: from its SDP answer (in the SIP trace of the log)
rtp_port=
for ((i = 0; i < 50; i++)); do
	rtp_port=$(grep -aoE 'm=audio [0-9]+ ' "$CASE_DIR/sems.log" | awk -v lo="$E2E_RTP_LOW" -v hi="$E2E_RTP_HIGH" \
		'$2 >= lo && $2 <= hi { print $2; exit }')
	[ -n "$rtp_port" ] && break
	sleep 0.1
done
[ -n "$rtp_port" ] || e2e_fail "no SDP answer with an RTP port in $E2E_RTP_LOW-$E2E_RTP_HIGH in the log"
e2e_log "server RTP port $rtp_port"
sleep 0.5        # the caller's source is confirmed by now

"$PYTHON" - "$rtp_port" > "$CASE_DIR/attacker.json" 2> "$CASE_DIR/attacker.log" <<'PYEOF' || e2e_fail "attacker failed: $(tail -2 "$CASE_DIR/attacker.log")"
import json, socket, struct, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.setblocking(False)
got, sent, seq = 0, 0, 0
end = time.time() + 2.0
while time.time() < end:
    for _ in range(2):        # twice the caller's rate
        s.sendto(struct.pack("!BBHII", 0x80, 0, seq, seq * 160, 0x0bad0bad) + b"\x00" * 160,
                 ("127.0.0.1", port))
        seq += 1
        sent += 1
    time.sleep(0.02)
    try:
        while True:
            s.recv(2048)
            got += 1
    except BlockingIOError:
        pass
time.sleep(0.2)
try:
    while True:
        s.recv(2048)
        got += 1
except BlockingIOError:
    pass
print(json.dumps({"sent": sent, "received": got}))
PYEOF
wait "$call_pid"
e2e_sink_stop sink
e2e_expect_rc call 0 "announce call with a third party sending RTP"
out=$(cat "$CASE_DIR/attacker.json")
e2e_log "attacker: $out"
"$PYTHON" -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["sent"] >= 150 and d["received"] == 0 else 1)' "$out" ||
	e2e_fail "the third party got our audio or sent too little: $out"
e2e_check sink "P['packets'] > 0 or 'the caller got no RTP'"
e2e_check sink "45 <= P['pps'] <= 55 or 'caller rate %.1f pkt/s, want 45-55' % P['pps']"
e2e_check sink "P['max_gap_ms'] < 200 or 'the caller lost its audio for %.0f ms' % P['max_gap_ms']"
e2e_check sink "P['seq_gaps'] == 0 or '%d packets missing at the caller' % P['seq_gaps']"
e2e_stop_server
grep -q "now comes from" "$CASE_DIR/sems.log" && e2e_fail "the stream switched to the third party"
n=$(sed -nE "s/.*rtp: port $rtp_port: ([0-9]+) RTP packets from other sources.*/\1/p" "$CASE_DIR/sems.log" | tail -1)
[ "${n:-0}" -ge 150 ] || e2e_fail "dropped packets of the third party not counted (${n:-none})"
e2e_log "server dropped $n packets of the third party"
e2e_pass
