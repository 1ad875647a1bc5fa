#!/bin/bash
# 24: 100 calls, up to 100 at once (sipp -l 100 -m 100 -r 50; ~30 are up at
# a time), to a script that sets timers 1 (0.3 s), 2 (0.6 s), 3 (0.9 s) and
# 5 (0.45 s), removes 3 and 5 at once and hangs up on timer 2: every call saw
# exactly timers 1 then 2, never 3 or 5, each between 1 ms early and 20 ms
# late (time.monotonic in the script); the max lateness is logged.  (Calls
# living past 0.9 s would need more than the case's 50 RTP port pairs at
# 50 calls/s, hence the removed timer 5 inside the call.)
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
e2e_add_script_as timer_probe timer_probe "out=$ev"
E2E_LOGLEVEL=${E2E_LOGLEVEL:-2}
e2e_write_config
e2e_start_server timer_probe

e2e_sink_start sink
e2e_sipp load uac_ends_by_server.xml timer_probe -m 100 -l 100 -r 50
e2e_sink_stop sink
e2e_server_alive
ok=$(e2e_sipp_successful load)
[ "$ok" = 100 ] || e2e_fail "$ok of 100 calls succeeded (sipp exit $E2E_SIPP_RC)"
e2e_expect_rc load 0 "100 calls ended by the script's timers"
e2e_check_events "$ev" "len(calls) == 100 or '%d calls reported' % len(calls)"
e2e_check_events "$ev" "all([e['id'] for e in c if e['ev'] == 'timer'] == [1, 2] for c in calls.values()) or 'timer sequences %s, want [1, 2] (never 3 or 5)' % sorted(set(str([e['id'] for e in c if e['ev'] == 'timer']) for c in calls.values()))"
late=$("$PYTHON" -c 'import json, sys; L = [json.loads(l)["late_ms"] for l in open(sys.argv[1]) if "\"timer\"" in l]; print(min(L), max(L))' "$ev")
e2e_log "timer lateness ms: min ${late% *} max ${late#* }"
e2e_check_events "$ev" "all(-1 <= e['late_ms'] <= 20 for e in E if e['ev'] == 'timer') or 'timers off their deadline by %s ms (want -1..20)' % sorted(e['late_ms'] for e in E if e['ev'] == 'timer' and not -1 <= e['late_ms'] <= 20)[:10]"
e2e_stop_server
e2e_pass
