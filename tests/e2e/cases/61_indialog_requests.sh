#!/bin/bash
# 61: requests inside the dialog, both ways.  The script's sendRequest
# ("INFO", hdrs, body, content type) reaches the caller with the header and
# body; the caller's 200 (with X-Answer) reaches onSipReply(req, reply),
# and, in a second call, the old onSipReply(reply).  The caller's MESSAGE
# reaches onSipRequest, which answers it with sendReply(202, ..., hdrs)
# (the caller sees 202 and the header); a second sendReply raises
# semserror.  A NOTIFY the script does not answer gets 200 from the core.
# The caller's BYE reaches onSipRequest before onBye.
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
e2e_add_script_as indialog_probe req2 "out=$ev" mode=requests
e2e_add_script_as indialog_probe req1 "out=$ev" mode=requests arity=1
e2e_write_config
e2e_start_server req2 req1

for app in req2 req1; do
	e2e_sink_start "sink_$app" "$E2E_SINK_PORT" 1 --echo
	e2e_sipp "$app" uac_indialog_requests.xml "$app"
	e2e_sink_stop "sink_$app"
	e2e_expect_rc "$app" 0 "$app: INFO from the server, MESSAGE 202, NOTIFY 200, BYE"
done
e2e_check_events "$ev" "len(calls) == 2 or '%d calls' % len(calls)"
e2e_check_events "$ev" "[ (e['arity'], e['code']) for e in E if e['ev'] == 'reply'] == [(2, 200), (1, 200)] or 'onSipReply calls %s' % [e for e in E if e['ev'] == 'reply']"
e2e_check_events "$ev" "all(e['method'] == 'INFO' and 'X-Answer: yes' in e['hdrs'] for e in E if e['ev'] == 'reply' and e['arity'] == 2) or 'reply event %s' % [e for e in E if e['ev'] == 'reply']"
e2e_check_events "$ev" "[e['raised'] for e in E if e['ev'] == 'second_reply'] == [True, True] or 'second sendReply: %s' % [e for e in E if e['ev'] == 'second_reply']"
e2e_check_events "$ev" "all([e['method'] if e['ev'] == 'request' else e['ev'] for e in evs if e['ev'] in ('request', 'bye')] == ['INVITE', 'ACK', 'MESSAGE', 'NOTIFY', 'BYE', 'bye'] for evs in calls.values()) or 'order %s' % [[e.get('method', e['ev']) for e in evs] for evs in calls.values()]"
e2e_stop_server
e2e_pass
