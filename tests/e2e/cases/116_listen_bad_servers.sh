#!/bin/bash
# 116: bad WebSocket servers, one call each; every call goes on (its prompt
# keeps playing at 50 pkt/s until the script's BYE, sipp exit 0), the
# script gets one onListenEnd with a reason that says why, and no session
# or socket is left at shutdown:
#   refused     nothing listens on the port     "error: connect failed: ..."
#   garbage     bytes that are no frames        "error: ..."
#   oversize    a 200 kB binary frame            "error: frame too big"
#   nohandshake not HTTP, no 101                 "error: connect failed: ..."
#   tls         wss:// to a server that answers garbage  "error: connect failed: ..."
#   timeout     wss:// to a ws:// server (it waits for HTTP, we for TLS)
#                                                "error: connect timeout" (5 s)
#   badurl      http://...: startListen raises ValueError, the call goes on
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/listen_lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$CASE_DIR/prompt.wav" 400 1000 || e2e_fail "gen_audio"
p=$E2E_WS_PORT
listen_server garbage garbage $((p + 1))
listen_server oversize oversize $((p + 2))
listen_server nohs nohandshake $((p + 3))
listen_server plain record $((p + 4))
common=("out=$ev" "bidirectional=mix" "prompt=$CASE_DIR/prompt.wav" "bye_ms=6000")
e2e_add_script_as listen_probe refused "${common[@]}" "url=ws://127.0.0.1:$p/"
e2e_add_script_as listen_probe garbage "${common[@]}" "url=ws://127.0.0.1:$((p + 1))/"
e2e_add_script_as listen_probe oversize "${common[@]}" "url=ws://127.0.0.1:$((p + 2))/"
e2e_add_script_as listen_probe nohandshake "${common[@]}" "url=ws://127.0.0.1:$((p + 3))/"
e2e_add_script_as listen_probe tls "${common[@]}" "url=wss://127.0.0.1:$((p + 3))/"
e2e_add_script_as listen_probe timeout "${common[@]}" "url=wss://127.0.0.1:$((p + 4))/"
e2e_add_script_as listen_probe badurl "${common[@]}" "url=http://127.0.0.1:$p/"
apps="refused garbage oversize nohandshake tls timeout badurl"
e2e_write_config
e2e_start_server $apps

e2e_scenario call wait-bye:8000
i=0
calls=
for app in $apps; do
	e2e_sink_start "sink_$app" $((E2E_SINK_PORT + 2 * i)) 1 --echo
	printf 'SEQUENTIAL\n%s;\n' $((E2E_SINK_PORT + 2 * i)) > "$CASE_DIR/call_$app.csv"
	E2E_SIPP_NEXT=$((E2E_PORT_BASE + 2 + i))     # the calls run at once
	e2e_sipp "call_$app" "$CASE_DIR/call.xml" "$app" &
	calls="$calls $!"
	i=$((i + 1))
done
wait $calls
for app in $apps; do
	e2e_sink_stop "sink_$app"
	e2e_expect_rc "call_$app" 0 "call to $app (want the server's BYE)"
	e2e_check "sink_$app" "45 <= P['pps'] <= 55 and P['duration'] >= 5.5 and P['max_gap_ms'] <= 60 or '$app: %.1f pkt/s for %.1f s, max gap %s ms' % (P['pps'], P['duration'], P['max_gap_ms'])"
done
e2e_server_alive
"$PYTHON" - "$ev" "$CASE_DIR" <<'PYEOF' > "$CASE_DIR/reasons.txt" || e2e_fail "$(cat "$CASE_DIR/reasons.txt")"
import json, sys
E = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
# the call-id says which call; the sipp csv order is the app order
by_app = {}
for app in "refused garbage oversize nohandshake tls timeout badurl".split():
    log = open("%s/call_%s.msg.log" % (sys.argv[2], app)).read()
    cid = next(l.split(":", 1)[1].strip() for l in log.splitlines() if l.startswith("Call-ID:"))
    by_app[app] = [e for e in E if e["call"] == cid]
bad = []
for app, evs in by_app.items():
    ends = [e["reason"] for e in evs if e["ev"] == "listen_end"]
    print(app, [e["ev"] for e in evs], ends)
    if app == "badurl":
        ok = [e["ev"] for e in evs][:1] == ["start_failed"] and not ends
    elif app == "oversize":
        ok = ends == ["error: frame too big"]
    elif app == "timeout":
        ok = ends == ["error: connect timeout"]
    elif app == "garbage":
        ok = len(ends) == 1 and ends[0].startswith("error: ")
    else:
        ok = len(ends) == 1 and ends[0].startswith("error: connect failed: ")
    if not ok:
        bad.append("%s: %s %s" % (app, [e["ev"] for e in evs], ends))
if bad:
    print("; ".join(bad))
    sys.exit(1)
PYEOF
e2e_log "reasons: $(tr '\n' '|' < "$CASE_DIR/reasons.txt")"
e2e_stop_server
! grep -q "fd .* in use" "$CASE_DIR/sems.log" || e2e_fail "sockets left open at shutdown: $(grep 'in use' "$CASE_DIR/sems.log" | head -2)"
e2e_pass
