#!/bin/bash
# 65: RFC 4028 session timers (minimum_session_expires=5 for the test).
# A call with Supported: timer and Session-Expires: 6;refresher=uac gets
# Session-Expires: 6;refresher=uac and Require: timer in the 200 (and in
# the 200 of each refreshing re-INVITE); refreshed every 3 s it stays up
# for 15 s (the caller's BYE gets 200).  Without refreshes the server sends
# BYE 5.5-7.5 s after the answer.  Session-Expires: 3 gets 422 with
# Min-SE: 5.  With refresher=uas and Allow: UPDATE the server refreshes
# with UPDATE about 3 s after the answer.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script_as indialog_probe probe "out=$CASE_DIR/events.jsonl"
e2e_write_config minimum_session_expires=5
e2e_start_server probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
E2E_SIPP_TIMEOUT=30 e2e_sipp refresh uac_stimer_refresh.xml probe
e2e_expect_rc refresh 0 "refreshed call (re-INVITE every 3 s) for 15 s"
e2e_sipp expire uac_stimer_expire.xml probe
e2e_expect_rc expire 0 "call not refreshed: server BYE"
answer=$(e2e_sipp_mark expire answer)
bye=$(e2e_sipp_mark expire bye)
"$PYTHON" -c "import sys; d = $bye - $answer; sys.exit(0 if 5.5 <= d <= 7.5 else 1)" ||
	e2e_fail "BYE $bye - answer $answer: want 5.5-7.5 s"
e2e_sipp small uac_stimer_422.xml probe
e2e_expect_rc small 0 "Session-Expires below the minimum (want 422 Min-SE: 5)"
e2e_sipp uas uac_stimer_uas.xml probe
e2e_expect_rc uas 0 "refresher=uas: UPDATE from the server"
answer=$(e2e_sipp_mark uas answer)
update=$(e2e_sipp_mark uas update)
"$PYTHON" -c "import sys; d = $update - $answer; sys.exit(0 if 2.5 <= d <= 3.5 else 1)" ||
	e2e_fail "UPDATE $update - answer $answer: want about 3 s"
e2e_sink_stop sink
e2e_log_has "session timer expired" "the session timer expiry"
e2e_stop_server
e2e_pass
