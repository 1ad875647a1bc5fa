#!/bin/bash
# 51: through Kamailio (t_write_unix + JSON-RPC), a call reaches `announce`
# each of the three ways -- "ivr" (R-URI user), "sems/app_headers"
# (P-App-Name header, whatever was dialled) and a fixed command word
# (numbers starting with 9) -- plays the announcement as PCMU RTP, and is
# ended by the server's BYE, whose From tag is the To tag of its 200.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kamailio.sh"
kam_case_start announce
e2e_log_has "ser: taking requests on $SEMS_SOCK" "the SER front start-up line"

prompt=$(e2e_wav_seconds "$E2E_PREFIX/lib/sems/audio/welcome.wav")
n=0
for way in "ivr|announce|X-E2E: ivr" "sems|nobody|P-App-Name: announce" \
	   "fixed|9123|X-E2E: fixed"; do
	IFS='|' read -r name service hdr <<< "$way"
	port=$((E2E_SINK_PORT + 2 * n))
	n=$((n + 1))
	printf 'SEQUENTIAL\n%s;%s;\n' "$port" "$hdr" > "$CASE_DIR/$name.csv"
	e2e_sink_start "sink_$name" "$port" 1 --echo
	e2e_sipp "$name" uac_kam_announce.xml "$service"
	e2e_sink_stop "sink_$name"
	e2e_expect_rc "$name" 0 "$name routing: INVITE/200/ACK, then the server's BYE"
	e2e_check "sink_$name" "P['packets'] > 0 or 'no RTP ($name routing)'"
	e2e_check "sink_$name" "list(P['payload_types']) == ['0'] or 'payload types %s' % P['payload_types']"
	e2e_check "sink_$name" "45 <= P['pps'] <= 55 or 'rate %.1f pkt/s ($name routing)' % P['pps']"
	e2e_check "sink_$name" "abs(P['duration'] - $prompt) <= 1.3 or 'RTP lasted %.2f s, prompt is $prompt s' % P['duration']"
	# the BYE's From tag must be our To tag, once (dialog intact)
	totag=$(awk '/^SIP\/2.0 200/ { f = 1 } f && /^To:/ { sub(/.*tag=/, ""); sub(/[;\r].*/, ""); print; exit }' "$CASE_DIR/$name.msg.log")
	bye_from=$(awk '/^BYE / { f = 1 } f && /^From:/ { print; exit }' "$CASE_DIR/$name.msg.log" | tr -d '\r')
	[ -n "$totag" ] || e2e_fail "$name: no To tag in the 200"
	case "$bye_from" in
	*";tag=$totag") ;;
	*) e2e_fail "$name: BYE From '$bye_from' does not carry exactly the 200's tag $totag" ;;
	esac
done
e2e_log_has "running application 'announce'" "the announce application"
kam_log_lacks "Reply failed|no more pkg|ERROR: tm" "a tm error"
e2e_stop_server
kam_stop
e2e_pass
