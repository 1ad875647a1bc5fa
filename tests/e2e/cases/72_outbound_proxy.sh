#!/bin/bash
# 72: outbound_proxy in sems.conf: a dialout to sip:far@192.0.2.1 (not
# reachable) goes to the proxy (a sipp UAS) with the R-URI unchanged and
# a Route header naming the proxy; the proxy answers, the call runs and
# the dialog shows the outbound_proxy.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
PROXY=$((E2E_PORT_BASE + 10))
e2e_add_script_as dialer dialer out="$CASE_DIR/ev.jsonl" app=uac_probe \
	r_uri="sip:far@192.0.2.1:5060" from="<sip:dialer@127.0.0.1>" \
	from_uri=sip:dialer@127.0.0.1 to="<sip:far@192.0.2.1:5060>" case=72
e2e_add_script_as uac_probe uac_probe out="$CASE_DIR/ev.jsonl" \
	prompt="$E2E_PREFIX/lib/sems/audio/welcome.wav"
e2e_write_config "outbound_proxy=sip:127.0.0.1:$PROXY;lr"
e2e_start_server dialer uac_probe
e2e_sink_start sink "$E2E_SINK_PORT" 1
uac_sipp_bg proxy uas_answer.xml "$PROXY" -key sinkport "$E2E_SINK_PORT" -key pt 0 -key ptname PCMU
e2e_sipp call uac_announce.xml dialer
uac_sipp_wait proxy
e2e_sink_stop sink
e2e_expect_rc proxy 0 "the proxy (UAS) got the INVITE and the BYE"
uac_msg_has proxy '^INVITE sip:far@192\.0\.2\.1:5060 SIP/2\.0$' "the unchanged R-URI"
uac_msg_has proxy "^Route: <sip:127\\.0\\.0\\.1:$PROXY;lr>\$" "the Route to the proxy"
e2e_check_events "$CASE_DIR/ev.jsonl" "[e['outbound_proxy'] for e in calls['uac'] if e['ev'] == 'start'] == ['sip:127.0.0.1:$PROXY;lr'] or 'dialog %s' % calls['uac']"
e2e_check sink "P['packets'] > 0 or 'no RTP'"
e2e_stop_server
e2e_pass
