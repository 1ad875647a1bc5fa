#!/bin/bash
# 04: R-URI users naming no registered script (also path-like, URL-escaped,
# overlong, helper-module and Python-module names) get 404, never 200 and
# never a crash; a normal call still works afterwards.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
e2e_start_server announce

long=$(printf 'a%.0s' $(seq 200))
n=0
for user in nosuchapp ..%2Fetc ../../etc/passwd passwd log os __init__ "$long"; do
	n=$((n + 1))
	e2e_sipp "u$n" uac_expect_404.xml "$user"
	e2e_server_alive
	e2e_expect_rc "u$n" 0 "INVITE to user '${user:0:40}' (want 404)"
done
e2e_sink_start sink
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "announce call after the 404s"
e2e_check sink "P['packets'] > 0 or 'no RTP on the announce call after the 404s'"
e2e_stop_server
e2e_pass
