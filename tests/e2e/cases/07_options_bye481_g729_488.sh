#!/bin/bash
# 07: OPTIONS outside a dialog -> 200; BYE for an unknown dialog -> 481;
# INVITE offering only G.729 (RTP/AVP 18) -> 488; REGISTER -> 405; an
# unknown method -> 501.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
e2e_start_server announce

e2e_sipp options uac_options.xml announce
e2e_expect_rc options 0 "OPTIONS (want 200)"
e2e_sipp bye uac_bye_unknown.xml announce
e2e_expect_rc bye 0 "BYE for an unknown dialog (want 481)"
e2e_sipp g729 uac_g729_488.xml announce
e2e_expect_rc g729 0 "INVITE offering only RTP/AVP 18 (want 488)"
e2e_sipp register uac_register_405.xml announce
e2e_expect_rc register 0 "REGISTER (want 405)"
e2e_sipp unknown uac_unknown_501.xml announce
e2e_expect_rc unknown 0 "unknown method FROBNICATE (want 501)"
e2e_server_alive
e2e_stop_server
e2e_pass
