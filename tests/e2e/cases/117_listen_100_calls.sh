#!/bin/bash
# 117: 100 calls at once, each streaming the caller to one WebSocket server
# (every second call also gets a 800 Hz tone back, bidirectional="mix"
# over a prompt); the calls last 6 s.  Every caller's RTP stays clean
# (tests/bench/rtp_meter.py on all 100 callers): no packet lost, lateness p99 <=
# 5 ms against the best 20 ms schedule, inter-arrival p99 <= 22 ms over all
# callers, largest inter-arrival gap <= 40 ms (measured: max gap ~26 ms);
# the record server got its 50 streams, each with >= 250 frames (50/s over the
# stream's life) and no gap over 100 ms, the tone server its 50, each
# ended by the BYE, and all 50 marks came back.
# Ports: two blocks above the case's own (the server's RTP range, the
# meter), from run.sh:
# e2e-port-blocks: 3
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/listen_lib.sh"
e2e_init
calls=100
Q=$((E2E_PORT_BASE + 200))
ev=$CASE_DIR/events.jsonl
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "gen_audio"
listen_server ws quiet
listen_server bot tone:800:3000 $((E2E_WS_PORT + 1))
e2e_add_script_as listen_probe listen_probe "out=$ev" "url=ws://127.0.0.1:$E2E_WS_PORT/" "bye_ms=6000"
e2e_add_script_as listen_probe listen_bot "out=$ev" "url=ws://127.0.0.1:$((E2E_WS_PORT + 1))/" \
	"bidirectional=mix" "prompt=$CASE_DIR/prompt.wav" "bye_ms=6000"
E2E_LOGLEVEL=${E2E_LOGLEVEL:-2}
e2e_write_config rtp_low_port=$Q rtp_high_port=$((Q + 199)) session_processor_threads=8
e2e_start_server listen_probe listen_bot

M=$((Q + 200))
rm -f "$CASE_DIR/meter.ready"
"$PYTHON" "$E2E_ROOT/tests/bench/rtp_meter.py" --port "$M" --count "$calls" --blackhole $((E2E_PORT_BASE + 98)) \
	--out "$CASE_DIR/meter.json" --ready "$CASE_DIR/meter.ready" --duration 40 > "$CASE_DIR/meter.log" 2>&1 &
meter=$!
e2e_track "$meter"
for ((i = 0; i < 50; i++)); do [ -f "$CASE_DIR/meter.ready" ] && break; sleep 0.1; done
[ -f "$CASE_DIR/meter.ready" ] || e2e_fail "rtp_meter not ready: $(tail -2 "$CASE_DIR/meter.log")"
e2e_scenario call wait-bye:15000
for half in a b; do
	{
		echo SEQUENTIAL
		for ((i = 0; i < calls / 2; i++)); do
			k=$([ $half = a ] && echo $((2 * i)) || echo $((2 * i + 1)))
			echo "$((M + 2 * k));"
		done
	} > "$CASE_DIR/load_$half.csv"
done
E2E_SIPP_NEXT=$((E2E_PORT_BASE + 2))
e2e_sipp load_a "$CASE_DIR/call.xml" listen_probe -m $((calls / 2)) -l $((calls / 2)) -r 50 &
pa=$!
E2E_SIPP_NEXT=$((E2E_PORT_BASE + 3))
e2e_sipp load_b "$CASE_DIR/call.xml" listen_bot -m $((calls / 2)) -l $((calls / 2)) -r 50 &
pb=$!
wait $pa $pb
e2e_kill_pid "$meter" 30
listen_server_stop ws
listen_server_stop bot
e2e_server_alive
for h in a b; do
	ok=$(e2e_sipp_successful load_$h)
	[ "$ok" = $((calls / 2)) ] || e2e_fail "load_$h: $ok of $((calls / 2)) calls succeeded"
done
[ -f "$CASE_DIR/meter.json" ] || e2e_fail "rtp_meter wrote no stats"
"$PYTHON" - "$CASE_DIR/meter.json" <<'PYEOF' > "$CASE_DIR/meter.txt" || e2e_fail "callers' RTP: $(cat "$CASE_DIR/meter.txt")"
import json, sys
P = json.load(open(sys.argv[1]))["ports"]
vals = list(P.values())
S = json.load(open(sys.argv[1])).get("summary", {})
print("ports %d, packets min %d, lost %d, max gap %.1f ms, worst lateness p99 %.1f ms, inter-arrival p99 %s ms" % (
    len(vals), min(p["packets"] for p in vals), sum(p["lost"] for p in vals),
    max(p["max_gap_ms"] for p in vals), max(p["delay_p99_ms"] for p in vals),
    S.get("gap_p99_ms")))
if S.get("gap_p99_ms") is None or S["gap_p99_ms"] > 22:
    print("inter-arrival p99 %s ms over all callers, want <= 22" % S.get("gap_p99_ms"))
    sys.exit(1)
bad = [k for k, p in P.items() if p["packets"] < 250 or p["lost"] or p["delay_p99_ms"] > 5 or p["max_gap_ms"] > 40]
if len(vals) != 100 or bad:
    print("bad ports %s" % [(k, P[k]["packets"], P[k]["lost"], P[k]["delay_p99_ms"], P[k]["max_gap_ms"]) for k in bad[:5]])
    sys.exit(1)
PYEOF
e2e_log "$(cat "$CASE_DIR/meter.txt")"
listen_check ws "len(S) == 50 or '%d streams' % len(S)"
listen_check ws "all(w['frames'] >= 250 and w['max_gap_ms'] <= 100 for w in W if w['ev'] == 'end') or 'streams %s' % sorted((w['frames'], w['max_gap_ms']) for w in W if w['ev'] == 'end')[:5]"
listen_check bot "len(S) == 50 and len([w for w in W if w['ev'] == 'end']) == 50 or '%d bot streams' % len(S)"
e2e_check_events "$ev" "len([e for e in E if e['ev'] == 'mark']) == 50 or '%d marks' % len([e for e in E if e['ev'] == 'mark'])"
e2e_log "ws server: $(grep -c '"end"' "$CASE_DIR/ws.jsonl") streams, frames min $("$PYTHON" -c 'import json,sys; print(min(json.loads(l)["frames"] for l in open(sys.argv[1]) if "\"end\"" in l))' "$CASE_DIR/ws.jsonl")"
e2e_stop_server
e2e_pass
