#!/bin/bash
# 94: scripts that try to end or reconfigure the server: os._exit(3),
# sys.exit(1), os.abort() and os.fork() in onSessionStart of four calls
# raise (RuntimeError, SystemExit) instead: each call ends (BYE or 500),
# the server survives; signal.signal(SIGTERM, SIG_IGN) is logged and
# ignored (the call goes on to its BYE, and SIGTERM still stops the
# server); then an announcement call works.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
for how in os_exit sys_exit abort fork signal; do
	e2e_add_script_as exit_probe "x_$how" "how=$how"
done
e2e_write_config
e2e_start_server announce x_os_exit x_sys_exit x_abort x_fork x_signal

for how in os_exit sys_exit abort fork signal; do
	e2e_sipp "$how" uac_ends_by_server.xml "x_$how"
	e2e_server_alive
	e2e_expect_rc "$how" 0 "call to x_$how (want BYE or an error reply)"
done
e2e_log_has 'RuntimeError: os\._exit\(\) is not allowed in an IVR script' "os._exit refused"
e2e_log_has 'RuntimeError: os\.abort\(\) is not allowed in an IVR script' "os.abort refused"
e2e_log_has 'RuntimeError: os\.fork\(\) is not allowed in an IVR script' "os.fork refused"
e2e_log_has 'SystemExit: 1' "SystemExit logged as an exception"
e2e_log_has 'signal\.signal\(.*\) ignored: the server owns the signals' "signal.signal ignored"
grep -q 'exit_probe: .* survived' "$CASE_DIR/sems.log" && e2e_fail "a refused call went on past it"

e2e_sink_start sink
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "announce call after the exits"
e2e_check sink "P['packets'] > 0 or 'no RTP on the announce call'"
e2e_stop_server
e2e_pass
