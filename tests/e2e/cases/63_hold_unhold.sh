#!/bin/bash
# 63: hold and unhold by re-INVITE.  The caller's a=sendonly offer is
# answered a=recvonly and our RTP stops (at most 2 packets after the 200);
# a=sendrecv with a new m= port is answered sendrecv and RTP resumes to the
# new port; a=inactive is answered inactive (RTP stops); a=sendrecv again
# resumes it; c=0.0.0.0 (RFC 2543 hold) is answered recvonly and RTP stops.
# invite_req follows each re-INVITE (its CSeq and body are the latest).
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
e2e_add_script_as indialog_probe hold "out=$ev" mode=hold
e2e_write_config
e2e_start_server hold

a=$E2E_SINK_PORT
b=$((E2E_SINK_PORT + 2))
printf 'SEQUENTIAL\n%s;%s;\n' "$a" "$b" > "$CASE_DIR/call.csv"
e2e_sink_start sink "$a" 2
E2E_SIPP_TIMEOUT=30 e2e_sipp call uac_hold.xml hold
e2e_sink_stop sink
e2e_expect_rc call 0 "call with hold/unhold re-INVITEs (answers recvonly, sendrecv, inactive, sendrecv, recvonly)"
for m in hold unhold inactive resume c0; do
	eval "t_$m=\$(e2e_sipp_mark call $m)"
	eval "[ -n \"\$t_$m\" ]" || e2e_fail "sipp logged no $m mark"
done
e2e_check sink "S['ports']['$a']['packets'] > 20 or 'only %d packets before the hold' % S['ports']['$a']['packets']"
e2e_check sink "S['ports']['$a']['last'] <= $t_hold + 0.06 or 'RTP to the first port went on %.3f s after the hold' % (S['ports']['$a']['last'] - $t_hold)"
e2e_check sink "S['ports']['$b']['packets'] > 0 or 'no RTP to the new port after unhold'"
e2e_check sink "$t_unhold - 0.1 <= S['ports']['$b']['first'] <= $t_unhold + 0.2 or 'RTP to the new port began %.3f s after unhold' % (S['ports']['$b']['first'] - $t_unhold)"
e2e_check sink "S['ports']['$b']['last'] <= $t_c0 + 0.06 or 'RTP went on %.3f s after c=0.0.0.0' % (S['ports']['$b']['last'] - $t_c0)"
e2e_check sink "S['ports']['$b']['last'] >= $t_resume + 0.5 or 'RTP did not resume after inactive'"
e2e_check sink "S['ports']['$b']['max_gap_ms'] >= 900 or 'no gap while inactive (max gap %d ms)' % S['ports']['$b']['max_gap_ms']"
e2e_check sink "S['ports']['$b']['packets'] <= (1.0 + 1.0) * 50 + 10 or '%d packets to the new port: RTP while inactive?' % S['ports']['$b']['packets']"
e2e_check_events "$ev" "[e['cseq'] for e in E if e['ev'] == 'invite_req' and e['same']] == [1, 2, 3, 4, 5, 6] or 'invite_req CSeqs %s' % [(e['cseq'], e['same']) for e in E if e['ev'] == 'invite_req']"
e2e_check_events "$ev" "'a=inactive' in [e for e in E if e['ev'] == 'invite_req'][3]['body'] or 'invite_req body of the 3rd re-INVITE lacks a=inactive'"
e2e_stop_server
e2e_pass
