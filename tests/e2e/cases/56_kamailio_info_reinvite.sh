#!/bin/bash
# 56: through Kamailio, INFO and a re-INVITE inside an answered call reach
# it (200, and 200 with the same SDP answer for the re-INVITE), then the
# caller's BYE ends it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
kam_case_start announce

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp dlg uac_kam_indialog.xml announce
e2e_sink_stop sink
e2e_expect_rc dlg 0 "INFO/re-INVITE/BYE inside the call through Kamailio"
e2e_log_has "ser: INFO .*from Kamailio" "the INFO reaching the server"
e2e_log_has "caller hung up" "the caller's BYE"
e2e_stop_server
kam_stop
e2e_pass
