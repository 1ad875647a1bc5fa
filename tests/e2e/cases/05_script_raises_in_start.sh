#!/bin/bash
# 05: a script raising in onSessionStart: the call ends cleanly (server BYE
# or an error reply), the traceback is logged, and the next call works.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_add_script raise_in_start
e2e_write_config
e2e_start_server announce raise_in_start

e2e_sipp raise uac_ends_by_server.xml raise_in_start
e2e_server_alive
e2e_expect_rc raise 0 "call to raise_in_start (want BYE from server or error reply)"
e2e_log_has 'Traceback' "a Python traceback"
e2e_log_has 'RuntimeError: e2e intentional failure in onSessionStart' "the exception text 'RuntimeError: e2e intentional failure in onSessionStart'"

e2e_sink_start sink
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "announce call after the failing script"
e2e_check sink "P['packets'] > 0 or 'no RTP on the announce call'"
e2e_stop_server
e2e_pass
