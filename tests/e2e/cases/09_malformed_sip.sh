#!/bin/bash
# 09: malformed SIP datagrams (garbage, truncated INVITE, header without a
# colon, bad Content-Length, empty) do not kill the server; a normal call works.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
e2e_start_server announce

"$PYTHON" - "$E2E_SIP_PORT" > "$CASE_DIR/malformed.log" 2>&1 <<'PYEOF' || e2e_fail "could not send the malformed datagrams"
import os, socket, sys, time
port = int(sys.argv[1])
via = "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-e2e-%d\r\n"
invite = ("INVITE sip:announce@127.0.0.1:%d SIP/2.0\r\n" % port + via % 1 +
          "From: <sip:e2e@127.0.0.1>;tag=1\r\nTo: <sip:announce@127.0.0.1>\r\n"
          "Call-ID: e2e-malformed-1\r\nCSeq: 1 INVITE\r\nContact: <sip:e2e@127.0.0.1:9>\r\n"
          "Content-Type: application/sdp\r\nContent-Length: 120\r\n\r\nv=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n")
msgs = [
    os.urandom(1400),
    b"\x00" * 64,
    b"",
    b"\r\n\r\n",
    invite[:150].encode(),                                   # truncated in a header
    invite.encode(),                                         # body shorter than Content-Length
    ("INVITE sip:announce@127.0.0.1 SIP/2.0\r\n" + via % 2 +
     "From <sip:e2e@127.0.0.1>;tag=2\r\nTo: <sip:announce@127.0.0.1>\r\n"
     "Call-ID: e2e-malformed-2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n").encode(),  # no colon
    ("INVITE sip:announce@127.0.0.1 SIP/2.0\r\n" + via % 3 +
     "From: <sip:e2e@127.0.0.1>;tag=3\r\nTo: <sip:announce@127.0.0.1>\r\n"
     "Call-ID: e2e-malformed-3\r\nCSeq: x INVITE\r\nContent-Length: -5\r\n\r\n").encode(),  # bad CSeq, CL
    b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9\r\n\r\n",  # stray reply
    b"GARBAGE / SIP/9.9\r\n" + b"X" * 3000 + b"\r\n\r\n",
    ("INVITE sip:announce@127.0.0.1 SIP/2.0\r\n" + "X-Long: " + "y" * 60000 + "\r\n\r\n").encode()[:65000],
]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for m in msgs:
    s.sendto(m, ("127.0.0.1", port))
    time.sleep(0.05)
print("sent", len(msgs))
PYEOF
sleep 1
e2e_server_alive
e2e_sink_start sink
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_server_alive
e2e_expect_rc call 0 "announce call after malformed datagrams"
e2e_check sink "P['packets'] > 0 or 'no RTP on the call after the malformed datagrams'"
e2e_stop_server
e2e_pass
