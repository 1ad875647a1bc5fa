#!/bin/bash
# 53: through Kamailio: a CANCEL before the answer gets 200 and the INVITE
# 487 (both through tm.reply); an unknown script gets 404; a BYE for an
# unknown call gets 481; and a malformed datagram on the socket is logged
# and dropped while the server keeps serving.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
kam_case_start slow_answer announce

e2e_sipp cancel uac_cancel.xml slow_answer
e2e_expect_rc cancel 0 "INVITE/100/CANCEL through Kamailio (want 200 to CANCEL, 487 to INVITE)"
e2e_log_has "cancelled by the caller" "the CANCEL reaching the call"

e2e_sipp unknown uac_expect_404.xml no_such_script
e2e_expect_rc unknown 0 "unknown script through Kamailio (want 404)"

e2e_sipp bye481 uac_bye_unknown.xml announce
e2e_expect_rc bye481 0 "BYE for an unknown call through Kamailio (want 481)"

"$PYTHON" - "$SEMS_SOCK" <<'PY' || e2e_fail "cannot write to $SEMS_SOCK"
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"0.2\nsip_request.ivr\nINVITE\n", sys.argv[1])
PY
sleep 0.3
e2e_log_has "ser: dropped a datagram of 27 bytes: unsupported format version" "the malformed datagram warning"
e2e_server_alive

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "a normal call after the errors"
e2e_check sink "P['packets'] > 0 or 'no RTP on the call after the errors'"
kam_log_lacks "Reply failed|no more pkg" "a tm.reply failure"
e2e_stop_server
kam_stop
e2e_pass
