#!/bin/bash
# 62: transfers.  refer("sip:transfer@127.0.0.1:5999", expires=60,
# referred_by=...) sends a REFER with that Refer-To, Expires: 60 and
# Referred-By (checked by the caller); the caller's 202 reaches
# onSipReply, its NOTIFY (Event: refer, message/sipfrag "SIP/2.0 200 OK")
# is answered 200, reaches onSipRequest and onReferStatus(200).
# redirect("sip:target@127.0.0.1:5998") sends SEMS's REFER: that
# Request-URI, no Refer-To, P-App-Param: Transfer-RR="" (no route set).
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
e2e_add_script_as indialog_probe refer "out=$ev" mode=refer "target=sip:transfer@127.0.0.1:5999"
e2e_add_script_as indialog_probe redirect "out=$ev" mode=redirect "target=sip:target@127.0.0.1:5998"
e2e_write_config
e2e_start_server refer redirect

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp refer uac_refer.xml refer
e2e_sink_stop sink
e2e_expect_rc refer 0 "REFER (Refer-To, Expires, Referred-By), 202, NOTIFY 200, BYE"
e2e_check_events "$ev" "[e['code'] for e in E if e['ev'] == 'refer_status'] == [200] or 'onReferStatus: %s' % [e for e in E if e['ev'] == 'refer_status']"
e2e_check_events "$ev" "[(e['method'], e['code']) for e in E if e['ev'] == 'reply'] == [('REFER', 202)] or 'onSipReply: %s' % [e for e in E if e['ev'] == 'reply']"
e2e_check_events "$ev" "any(e['ev'] == 'request' and e['method'] == 'NOTIFY' and e['body'].startswith('SIP/2.0 200') for e in E) or 'NOTIFY not seen by onSipRequest'"

e2e_sink_start sink2 "$E2E_SINK_PORT" 1 --echo
e2e_sipp redirect uac_redirect.xml redirect
e2e_sink_stop sink2
e2e_expect_rc redirect 0 "REFER to the target URI, no Refer-To, Transfer-RR, BYE"
e2e_stop_server
e2e_pass
