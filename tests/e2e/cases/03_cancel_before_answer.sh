#!/bin/bash
# 03: CANCEL while the script's onInvite is still running (it sleeps 2 s):
# 200 for the CANCEL, 487 for the INVITE, and no late 200.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script slow_answer
e2e_write_config
e2e_start_server slow_answer

e2e_sipp cancel uac_cancel.xml slow_answer
e2e_expect_rc cancel 0 "INVITE/100/CANCEL (want 200 to CANCEL, 487 to INVITE)"
e2e_server_alive
e2e_stop_server
e2e_pass
