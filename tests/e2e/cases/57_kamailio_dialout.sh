#!/bin/bash
# 57: through Kamailio (SER mode), IvrUAC.dialout from a script (a call to
# `dialer` through Kamailio) reaches a sipp UAS through Kamailio (tm's
# t_uac_send, not the server's own SIP port): the INVITE has our R-URI,
# From URI and tag (the session id), To and extra header, and a Contact
# pointing at Kamailio; the 180 and 200 reach onSipReply of the dialled
# app (wrapped by the config's reply_route, handed over by t_write_unix);
# Kamailio ACKs the 200; the app's prompt arrives as PCMU RTP at the port
# of the UAS's SDP; the UAS's BYE (to that Contact) comes back through
# Kamailio and ends the session (onBye); no session left.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
kam_init
UAS_PORT=$((E2E_PORT_BASE + 10))
prompt=$E2E_PREFIX/lib/sems/audio/welcome.wav
ev=$CASE_DIR/ev.jsonl
e2e_add_script_as dialer dialer out="$ev" app=uac_probe \
	r_uri="sip:callee57@127.0.0.1:$UAS_PORT" from="Dialer <sip:dialer@127.0.0.1>" \
	from_uri=sip:dialer@127.0.0.1 to="<sip:callee57@127.0.0.1:$UAS_PORT>" \
	'hdrs=X-Test: fiftyseven\r\n' case=57
e2e_add_script_as uac_probe uac_probe out="$ev" prompt="$prompt"
kam_write_config
e2e_start_server dialer uac_probe
kam_start

e2e_sink_start sink "$E2E_SINK_PORT" 1
uac_sipp_bg callee uas_ring_answer_bye.xml "$UAS_PORT" -key sinkport "$E2E_SINK_PORT"
e2e_sipp call uac_announce.xml dialer
uac_sipp_wait callee
e2e_sink_stop sink
e2e_expect_rc call 0 "trigger call to dialer through Kamailio"
e2e_expect_rc callee 0 "callee UAS (INVITE, 180, 200, ACK, its BYE answered 200)"
uac_msg_has callee "^INVITE sip:callee57@127\.0\.0\.1:$UAS_PORT SIP/2\.0\$" "the R-URI"
uac_msg_has callee '^From: <sip:dialer@127\.0\.0\.1>;tag=' "the From"
uac_msg_has callee "^To: <sip:callee57@127\.0\.0\.1:$UAS_PORT>\$" "the To"
uac_msg_has callee '^X-Test: fiftyseven$' "the extra header"
uac_msg_has callee "^Via: SIP/2\.0/UDP 127\.0\.0\.1:$KAM_PORT;" "Kamailio's Via (sent by Kamailio)"
uac_msg_has callee "^Contact: <sip:callee@127\.0\.0\.1:$KAM_PORT>\$" "a Contact (the dialout user) pointing at Kamailio"
tag=$(sed -nE 's/.*"ev": "dialout", "tag": "([^"]+)".*/\1/p' "$ev" | head -1)
[ -n "$tag" ] || e2e_fail "no dialout tag in $ev"
uac_msg_has callee "^From: .*;tag=$tag\$" "our From tag = the session id ($tag)"
grep -q "^ACK sip:callee@127\.0\.0\.1:$UAS_PORT" "$CASE_DIR/callee.msg.log" ||
	e2e_fail "the UAS got no ACK to its Contact"

e2e_check_events "$ev" "not [e for e in calls['uac'] if e['ev'] == 'invite'] or 'onInvite ran for a UAC session'"
e2e_check_events "$ev" "[e['code'] for e in calls['uac'] if e['ev'] == 'reply'] == [180, 200] or 'replies %s' % [e['code'] for e in calls['uac'] if e['ev'] == 'reply']"
e2e_check_events "$ev" "[e['status'] for e in calls['uac'] if e['ev'] == 'start'] == ['Connected'] or 'status %s' % calls['uac']"
e2e_check_events "$ev" "[e['local_tag'] for e in calls['uac'] if e['ev'] == 'start'] == ['$tag'] or 'local tag %s' % calls['uac']"
e2e_check_events "$ev" "[e['ev'] for e in calls['uac']][-1] == 'bye' or 'the UAS BYE did not reach onBye: %s' % calls['uac']"
e2e_log_has "dialout .*: callee hung up" "the callee's BYE"
e2e_check sink "P['packets'] > 50 or 'no RTP at the callee (%d packets)' % P['packets']"
e2e_check sink "list(P['payload_types']) == ['0'] or 'payload types %s' % P['payload_types']"
e2e_check sink "P['rms'] > 100 or 'the prompt is silent (rms %s)' % P['rms']"
kam_log_lacks "ERROR" "an error"
e2e_stop_server
kam_stop
e2e_pass
