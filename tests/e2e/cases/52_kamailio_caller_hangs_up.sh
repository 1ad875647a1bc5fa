#!/bin/bash
# 52: through Kamailio, the caller hangs up 1 s into the announcement: the
# BYE reaches the call (200 to the BYE), the RTP stops within 1 s, and the
# server logs the hang-up.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
kam_case_start announce

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp hangup uac_hangup.xml announce
sleep 1.5
e2e_sink_stop sink
e2e_expect_rc hangup 0 "caller BYE mid-announcement through Kamailio (want 200)"
bye=$(awk '/BYE_SENT/ { printf "%d.%06d\n", $2, $3 }' "$CASE_DIR/hangup.actions.log")
[ -n "$bye" ] || e2e_fail "no BYE_SENT time in hangup.actions.log"
e2e_check sink "P['packets'] > 0 or 'no RTP before the BYE'"
e2e_check sink "P['last'] - $bye <= 1.0 or 'RTP went on %.2f s after the BYE' % (P['last'] - $bye)"
e2e_log_has "caller hung up" "the caller's BYE reaching the call"
e2e_stop_server
kam_stop
e2e_pass
