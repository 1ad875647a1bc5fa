#!/bin/bash
# 82: the transfer example (scripts/transfer.py) with pin=1234,
# transfer_to=sip:operator82@127.0.0.1:5999, referred_by=<sip:ivr82@...>.
# The caller (uac_ex7_transfer.xml) types 1111# by SIP INFO: "transfer:
# wrong PIN (entered 1111)"; then 1234#: "transfer: PIN accepted", it hears
# "Transferring you now." (RTP with speech at its sink), then gets a REFER
# whose Refer-To is transfer_to and Referred-By the configured one (sipp
# ereg), answers 202 and sends NOTIFY sipfrag "SIP/2.0 200 OK": the server
# answers it 200, logs "transfer: REFER answered 202", "transfer: refer
# status 200", "transfer: done" and hangs up (the caller gets BYE).
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script transfer
[ -f "$CASE_DIR/etc/transfer.conf" ] || e2e_fail "the installed transfer.conf is missing ($E2E_PREFIX/etc/sems/etc/transfer.conf)"
printf 'pin=1234\ntimeout=3\nmax_tries=3\ntransfer_to=sip:operator82@127.0.0.1:5999\nreferred_by=<sip:ivr82@127.0.0.1>\nrefer_timeout=10\n' \
	> "$CASE_DIR/etc/transfer.conf"
e2e_write_config
e2e_start_server transfer

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp call uac_ex7_transfer.xml transfer
e2e_sink_stop sink
e2e_expect_rc call 0 "caller (1111#, 1234# by INFO, REFER with Refer-To/Referred-By, 202, NOTIFY 200, BYE)"
grep -q 'REFER: Refer-To: <sip:operator82@127.0.0.1:5999> Referred-By: <sip:ivr82@127.0.0.1>' "$CASE_DIR/call.actions.log" ||
	e2e_fail "the caller's log lacks the REFER's Refer-To / Referred-By"

got=$(sed -nE 's/.*Ivr-Python: (transfer: .*)$/\1/p' "$CASE_DIR/sems.log" | tr -d '\r' | grep -v '^transfer: call from')
want="transfer: wrong PIN (entered 1111)
transfer: PIN accepted
transfer: referring to sip:operator82@127.0.0.1:5999
transfer: REFER answered 202
transfer: refer status 200
transfer: done"
[ "$got" = "$want" ] || e2e_fail "transfer log lines [$(echo $got | tr '\n' '|')], want [$(echo $want | tr '\n' '|')]"
e2e_check sink "P['rms'] > 300 or 'the caller heard silence (RMS %.0f), not the prompts' % P['rms']"
grep -qE '(ERROR|Traceback)' "$CASE_DIR/sems.log" && e2e_fail "server log has errors: $(grep -m2 -E '(ERROR|Traceback)' "$CASE_DIR/sems.log" | cut -c1-200)"
e2e_stop_server
e2e_pass
