#!/bin/bash
# 02: an offer preferring PCMA ("8 0 101") is answered with PCMA and the
# prompt arrives as PT 8.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
e2e_start_server announce

e2e_sink_start sink
e2e_sipp call uac_pcma.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "call offering 8 0 101 (answer must choose 8)"
e2e_check sink "P['packets'] > 0 or 'no RTP received'"
e2e_check sink "list(P['payload_types']) == ['8'] or 'payload types %s, want only 8' % P['payload_types']"
e2e_stop_server
e2e_pass
