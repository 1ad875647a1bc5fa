#!/bin/bash
# 67: through Kamailio (SER mode), requests inside the dialog: the script's
# INFO (sendRequest) reaches the caller with its header and body; the
# caller's MESSAGE gets the script's 202 (sendReply with a header; a second
# sendReply raises semserror), its NOTIFY the core's 200, its BYE reaches
# onSipRequest before onBye.  refer() sends REFER with Refer-To, Expires
# and Referred-By; the caller's NOTIFY (sipfrag 200) is answered 200 and
# gives onReferStatus(200).  The replies to our INFO (200 with X-Answer)
# and REFER (202) reach onSipReply(req, reply): the config's reply_route
# hands them back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
e2e_init
kam_init
ev=$CASE_DIR/events.jsonl
e2e_add_script_as indialog_probe req "out=$ev" mode=requests trigger=timer
e2e_add_script_as indialog_probe refer "out=$ev" mode=refer trigger=timer "target=sip:transfer@127.0.0.1:5999"
kam_write_config
e2e_start_server req refer
kam_start

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp req uac_indialog_requests.xml req
e2e_expect_rc req 0 "INFO from the server, MESSAGE 202, NOTIFY 200, BYE through Kamailio"
e2e_check_events "$ev" "[e['raised'] for e in E if e['ev'] == 'second_reply'] == [True] or 'second sendReply: %s' % [e for e in E if e['ev'] == 'second_reply']"
e2e_check_events "$ev" "[e['method'] if e['ev'] == 'request' else e['ev'] for e in E if e['ev'] in ('request', 'bye')] == ['INVITE', 'MESSAGE', 'NOTIFY', 'BYE', 'bye'] or 'order %s' % [e.get('method', e['ev']) for e in E]"
e2e_check_events "$ev" "[(e['method'], e['code']) for e in E if e['ev'] == 'reply'] == [('INFO', 200)] or 'onSipReply calls %s' % [e for e in E if e['ev'] == 'reply']"
e2e_check_events "$ev" "all('X-Answer: yes' in e['hdrs'] for e in E if e['ev'] == 'reply') or 'reply headers %s' % [e for e in E if e['ev'] == 'reply']"
e2e_sipp refer uac_refer.xml refer
e2e_sink_stop sink
e2e_expect_rc refer 0 "REFER, 202, NOTIFY 200, BYE through Kamailio"
e2e_check_events "$ev" "[(e['method'], e['code']) for e in E if e['ev'] == 'reply'][1:] == [('REFER', 202)] or 'onSipReply calls %s' % [e for e in E if e['ev'] == 'reply']"
e2e_check_events "$ev" "[e['code'] for e in E if e['ev'] == 'refer_status'] == [200] or 'onReferStatus: %s' % [e for e in E if e['ev'] == 'refer_status']"
e2e_stop_server
kam_stop
e2e_pass
