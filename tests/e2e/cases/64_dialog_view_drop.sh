#!/bin/bash
# 64: the dialog view and dropSession.  dialog.sip_ip/sip_port are our SIP
# address, contact_uri our Contact (sip:APP@127.0.0.1:PORT), next_hop "";
# setting dialog.remote_uri makes the next in-dialog request (OPTIONS from
# sendRequest) go to that URI (the caller checks the Request-URI), and
# the 200 reaches onSipReply.  dropSession() on the ACK: the caller gets
# nothing for 2 s (no BYE), its INFO then gets 481, its BYE 200, and no
# session is left.
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
remote_port=$E2E_SIPP_NEXT
e2e_add_script_as indialog_probe remote "out=$ev" mode=remote "target=sip:elsewhere@127.0.0.1:$remote_port"
e2e_add_script_as indialog_probe drop "out=$ev" mode=drop
e2e_write_config
e2e_start_server remote drop

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp remote uac_remote_uri.xml remote
e2e_sink_stop sink
e2e_expect_rc remote 0 "OPTIONS sent to the remote_uri set by the script"
e2e_check_events "$ev" "[(e['sip_ip'], e['sip_port'], e['contact_uri'], e['next_hop']) for e in E if e['ev'] == 'start'] == [('127.0.0.1', '$E2E_SIP_PORT', 'sip:remote@127.0.0.1:$E2E_SIP_PORT', '')] or 'dialog view %s' % [e for e in E if e['ev'] == 'start']"
e2e_check_events "$ev" "[e['remote_uri'] for e in E if e['ev'] == 'remote_set'] == ['sip:elsewhere@127.0.0.1:$remote_port'] or 'remote_uri after setting: %s' % [e for e in E if e['ev'] == 'remote_set']"
e2e_check_events "$ev" "[(e['method'], e['code']) for e in E if e['ev'] == 'reply'] == [('OPTIONS', 200)] or 'onSipReply: %s' % [e for e in E if e['ev'] == 'reply']"

e2e_sink_start sink2 "$E2E_SINK_PORT" 1 --echo
e2e_sipp drop uac_drop.xml drop
e2e_sink_stop sink2
e2e_expect_rc drop 0 "dropped call: nothing sent, INFO 481, BYE 200"
e2e_log_has "dropped: dialog forgotten" "the drop"
e2e_stop_server
e2e_pass
