#!/bin/bash
# 70: IvrUAC.dialout from a script (onSessionStart of an incoming call to
# `dialer`) calls a sipp UAS: the INVITE has the R-URI, From (display name
# and URI) and extra header given; 180 and 200 reach onSipReply of the
# dialled app (no onInvite), onSessionStart sees getSessionParams() ==
# the dict given and a Connected dialog; its prompt arrives as PCMU RTP at
# the port of the UAS's SDP; the app's BYE ends the call; no session left.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
UAS_PORT=$((E2E_PORT_BASE + 10))
prompt=$E2E_PREFIX/lib/sems/audio/welcome.wav
e2e_add_script_as dialer dialer out="$CASE_DIR/ev.jsonl" app=uac_probe \
	r_uri="sip:callee70@127.0.0.1:$UAS_PORT" from="Dialer <sip:dialer@127.0.0.1>" \
	from_uri=sip:dialer@127.0.0.1 to="<sip:callee70@127.0.0.1:$UAS_PORT>" \
	'hdrs=X-Test: seventy\r\n' case=70
e2e_add_script_as uac_probe uac_probe out="$CASE_DIR/ev.jsonl" prompt="$prompt"
e2e_write_config
e2e_start_server dialer uac_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1
uac_sipp_bg callee uas_answer.xml "$UAS_PORT" \
	-key sinkport "$E2E_SINK_PORT" -key pt 0 -key ptname PCMU
e2e_sipp call uac_announce.xml dialer
uac_sipp_wait callee
e2e_sink_stop sink
e2e_expect_rc call 0 "trigger call to dialer"
e2e_expect_rc callee 0 "callee UAS (INVITE checks, 180, 200, ACK, BYE from the server)"
uac_msg_has callee "^INVITE sip:callee70@127\.0\.0\.1:$UAS_PORT SIP/2\.0\$" "the R-URI"
uac_msg_has callee '^From: "Dialer" <sip:dialer@127\.0\.0\.1>;tag=' "the From"
uac_msg_has callee "^To: <sip:callee70@127\.0\.0\.1:$UAS_PORT>\$" "the To"
uac_msg_has callee '^X-Test: seventy$' "the extra header"

ev=$CASE_DIR/ev.jsonl
e2e_check_events "$ev" "[e['type'] for e in calls['dialer'] if e['ev'] == 'dialout'] == ['str'] or 'dialout did not return a str: %s' % calls['dialer']"
e2e_check_events "$ev" "not [e for e in calls['uac'] if e['ev'] == 'invite'] or 'onInvite ran for a UAC session'"
e2e_check_events "$ev" "[e['code'] for e in calls['uac'] if e['ev'] == 'reply'][-2:] == [180, 200] or 'replies %s' % [e['code'] for e in calls['uac'] if e['ev'] == 'reply']"
e2e_check_events "$ev" "[e['params'] for e in calls['uac'] if e['ev'] == 'start'] == [{'case': '70', 'list': ['a', 'b']}] or 'start/params: %s' % [e for e in calls['uac'] if e['ev'] == 'start']"
e2e_check_events "$ev" "[e['status'] for e in calls['uac'] if e['ev'] == 'start'] == ['Connected'] or 'status %s' % calls['uac']"
e2e_check_events "$ev" "[e['local_tag'] for e in calls['uac'] if e['ev'] == 'start'] == [e['tag'] for e in calls['dialer'] if e['ev'] == 'dialout'] or 'dialout tag is not the session id'"
e2e_check_events "$ev" "'callee70' in [e for e in calls['uac'] if e['ev'] == 'start'][0]['remote_party'] or 'remote_party'"
e2e_check_events "$ev" "[e['ev'] for e in calls['uac']][-1] == 'empty' or 'the prompt did not end: %s' % calls['uac']"
e2e_log_has "uac_probe: session params \{'case': '70', 'list': \['a', 'b'\]\}" "the session params log line"
prompt_s=$(e2e_wav_seconds "$prompt")
e2e_check sink "P['packets'] > 0 or 'no RTP at the callee'"
e2e_check sink "list(P['payload_types']) == ['0'] or 'payload types %s' % P['payload_types']"
e2e_check sink "abs(P['duration'] - $prompt_s) <= 1.3 or 'RTP lasted %.2f s, prompt $prompt_s s' % P['duration']"
e2e_check sink "P['rms'] > 100 or 'the prompt is silent (rms %s)' % P['rms']"
e2e_stop_server
e2e_pass
