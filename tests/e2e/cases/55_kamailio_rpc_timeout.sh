#!/bin/bash
# 55: SER mode with a Kamailio RPC socket that never answers: a call handed
# over by t_write_unix is answered, the tm.reply times out, the timeout is
# logged with the call's Call-ID, and the call is cleaned up (no session
# left at shutdown).  No Kamailio here: the datagram is written by hand.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
e2e_init
kam_init
e2e_add_script announce
kam_write_config
# a silent "Kamailio": reads RPC requests, answers none, logs them
"$PYTHON" - "$KAM_RPC_SOCK" "$CASE_DIR/rpc.log" <<'PY' > /dev/null 2>&1 &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "w") as log:
    while True:
        try:
            log.write(s.recv(65536).decode() + "\n")
            log.flush()
        except socket.timeout:
            break
PY
e2e_track $!
e2e_start_server announce

"$PYTHON" - "$SEMS_SOCK" "$E2E_SINK_PORT" <<'PY' || e2e_fail "cannot write to $SEMS_SOCK"
import socket, sys
sdp = ("v=0\r\no=e2e 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
       "t=0 0\r\nm=audio %s RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" % sys.argv[2])
lines = ["0.3", "sip_request.ivr", "INVITE", "announce", "127.0.0.1", "127.0.0.1",
         "5070", "sip:announce@127.0.0.1:5070", "sip:e2e@127.0.0.1:5099",
         "<sip:e2e@127.0.0.1:5099>", "<sip:announce@127.0.0.1:5070>",
         "timeout-call-1@e2e", "fromtag1", "", "1", "1234:5678", ".", ".",
         "P-MsgFlags: 0", ".", sdp]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(("\n".join(lines) + "\n").encode(), sys.argv[1])
PY
for ((i = 0; i < 60; i++)); do
	grep -qE "session [0-9a-f]+ \(timeout-call-1@e2e\) ends" "$CASE_DIR/sems.log" && break
	sleep 0.1
done
e2e_log_has "ser: call timeout-call-1@e2e: tm.reply: no answer from Kamailio" "the RPC timeout with the Call-ID"
e2e_log_has "session [0-9a-f]+ \(timeout-call-1@e2e\) ends" "the call's clean-up after the timeout"
grep -q '"method":"tm.reply","params":\[200,"OK","1234:5678"' "$CASE_DIR/rpc.log" ||
	e2e_fail "no tm.reply 200 with all parameters in the RPC log"
e2e_server_alive
e2e_stop_server
e2e_log_has "shutting down \(0 sessions\)" "no session left at shutdown"
kam_stop
e2e_pass
