#!/bin/bash
# 90: RFC 4475 torture messages (tests/e2e/torture/, UDP and TCP): each
# gets the answer of the index (400 malformed, 505 version, 416 scheme,
# 420 Require, 415 body, 406 Accept, 481 unknown dialog, 405/501 methods,
# 200 for the valid ones, INVITEs answered and hung up; nothing for stray
# responses); then the server is alive and a normal call works.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config application=announce
e2e_start_server announce

"$PYTHON" "$E2E_DIR/torture_send.py" 127.0.0.1 "$E2E_SIP_PORT" \
	--json "$CASE_DIR/torture.json" > "$CASE_DIR/torture.log" 2>&1 ||
	e2e_fail "torture answers: $(grep -E '^FAIL' "$CASE_DIR/torture.log" | cut -c1-110 | tr '\n' ';' | cut -c1-560)"
e2e_log "$(tail -1 "$CASE_DIR/torture.log")"
e2e_server_alive
e2e_sink_start sink
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "announce call after the torture messages"
e2e_check sink "P['packets'] > 0 or 'no RTP on the call after the torture messages'"
e2e_stop_server
e2e_pass
