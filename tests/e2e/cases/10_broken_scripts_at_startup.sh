#!/bin/bash
# 10: a script with a syntax error and one without IvrDialog: the server
# starts, logs both with a reason, registers the others, the announce call works.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_add_script syntax_error
e2e_add_script no_dialog
e2e_write_config
e2e_start_server announce

e2e_log_near 'syntax_error' 'SyntaxError' "an error naming syntax_error followed by its SyntaxError"
e2e_log_near 'no_dialog' 'IvrDialog' "an error naming no_dialog and the missing IvrDialog"
grep -q 'Application script registered: syntax_error' "$CASE_DIR/sems.log" && e2e_fail "syntax_error was registered"
grep -q 'Application script registered: no_dialog' "$CASE_DIR/sems.log" && e2e_fail "no_dialog was registered"

e2e_sink_start sink
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "announce call with broken scripts beside it"
e2e_check sink "P['packets'] > 0 or 'no RTP on the announce call'"
e2e_sipp broken uac_expect_404.xml no_dialog
e2e_expect_rc broken 0 "INVITE to the skipped script no_dialog (want 404)"
e2e_stop_server
e2e_pass
