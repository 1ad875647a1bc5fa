#!/bin/bash
# 71: a dialout to a port where nobody listens (dialout_timeout=2): the
# INVITE is CANCELled after 2 s, the failure is logged with its reason,
# the dialled app's onSipReply sees 408 and it never starts; no session
# is left at shutdown.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
DEAD=$((E2E_PORT_BASE + 11))
e2e_add_script_as dialer dialer out="$CASE_DIR/ev.jsonl" app=uac_probe \
	r_uri="sip:nobody@127.0.0.1:$DEAD" from="<sip:dialer@127.0.0.1>" \
	from_uri=sip:dialer@127.0.0.1 to="<sip:nobody@127.0.0.1:$DEAD>" case=71
e2e_add_script_as uac_probe uac_probe out="$CASE_DIR/ev.jsonl"
e2e_write_config dialout_timeout=2
e2e_start_server dialer uac_probe
e2e_sipp call uac_announce.xml dialer
e2e_expect_rc call 0 "trigger call to dialer"
uac_wait_log "dialout .* failed: no answer in time" 6 || e2e_fail "no log line for the failed dialout"
sleep 0.5
e2e_check_events "$CASE_DIR/ev.jsonl" "[e['code'] for e in calls.get('uac', []) if e['ev'] == 'reply'] == [408] or 'replies %s' % calls.get('uac')"
e2e_check_events "$CASE_DIR/ev.jsonl" "not [e for e in calls.get('uac', []) if e['ev'] == 'start'] or 'the app started'"
e2e_stop_server
e2e_pass
