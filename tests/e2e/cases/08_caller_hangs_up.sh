#!/bin/bash
# 08: the caller hangs up 1 s into the announcement: 200 to the BYE, the
# server's RTP stops within 1 s, and the next call works.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
e2e_start_server announce

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp hangup uac_hangup.xml announce
sleep 1.5                       # let RTP that would continue show up
e2e_sink_stop sink
e2e_expect_rc hangup 0 "caller BYE mid-announcement (want 200)"
bye=$(awk '/BYE_SENT/ { printf "%d.%06d\n", $2, $3 }' "$CASE_DIR/hangup.actions.log")
[ -n "$bye" ] || e2e_fail "no BYE_SENT time in hangup.actions.log"
e2e_check sink "P['packets'] > 0 or 'no RTP before the BYE'"
e2e_check sink "P['last'] - $bye <= 1.0 or 'RTP went on %.2f s after the BYE' % (P['last'] - $bye)"

e2e_sink_start sink2 "$((E2E_SINK_PORT + 2))"
printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 2))" > "$CASE_DIR/call.csv"
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink2
e2e_expect_rc call 0 "announce call after the hang-up"
e2e_check sink2 "P['packets'] > 0 or 'no RTP on the call after the hang-up'"
e2e_stop_server
e2e_pass
