#!/bin/bash
# 30: a prompt holding 1 kHz and 5 kHz tones (16 kHz WAV) played on a G.722,
# an Opus and a PCMU call.  ffmpeg, an independent decoder, receives each
# call's RTP: G.722 and Opus must carry both tones (wideband), PCMU only the
# 1 kHz one (the 5 kHz share proves the check tells them apart).
. "$(dirname "$0")/../lib.sh"
e2e_init
command -v ffmpeg > /dev/null || e2e_fail "ffmpeg missing (make deps)"
TONES="$PYTHON $E2E_DIR/tools/tones.py"
$TONES make "$CASE_DIR/prompt.wav" 16000 4 1000,5000
e2e_add_script announce
echo "announcement=$CASE_DIR/prompt.wav" > "$CASE_DIR/etc/announce.conf"
e2e_write_config
e2e_start_server announce

# call NAME PT RTPMAP: ffmpeg listens on the sink port, decodes 2.5 s.
call() {
	local name=$1 pt=$2 rtpmap=$3 port=$((E2E_SINK_PORT + 10)) pid
	printf 'v=0\no=- 0 0 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio %s RTP/AVP %s\n%s\n' \
		"$port" "$pt" "$rtpmap" > "$CASE_DIR/$name.sdp"
	timeout 20 ffmpeg -nostdin -loglevel error -protocol_whitelist file,udp,rtp \
		-i "$CASE_DIR/$name.sdp" -t 2.5 -ac 1 -ar 16000 -y "$CASE_DIR/$name.wav" \
		> "$CASE_DIR/$name.ffmpeg.log" 2>&1 &
	pid=$!
	e2e_track "$pid"
	sleep 0.5
	printf 'SEQUENTIAL\n%s;%s;%s;\n' "$port" "$pt" "$rtpmap" > "$CASE_DIR/$name.csv"
	e2e_sipp "$name" uac_codec.xml announce
	wait "$pid" || e2e_fail "$name: ffmpeg decoded nothing: $(tail -2 "$CASE_DIR/$name.ffmpeg.log")"
	e2e_expect_rc "$name" 0 "$name call"
	grep -q "RTP/AVP $pt\b" "$CASE_DIR/$name.msg.log" || e2e_fail "$name: answer does not choose $pt"
}

share() { $TONES energy "$CASE_DIR/$1.wav" "$2" 0.3 | "$PYTHON" -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["share"])'; }
# at_least NAME FREQ MIN / at_most NAME FREQ MAX
at_least() { local v; v=$(share "$1" "$2"); "$PYTHON" -c "import sys; sys.exit(not $v >= $3)" || e2e_fail "$1: $2 Hz share $v, want >= $3"; e2e_log "$1: $2 Hz share $v"; }
at_most() { local v; v=$(share "$1" "$2"); "$PYTHON" -c "import sys; sys.exit(not $v <= $3)" || e2e_fail "$1: $2 Hz share $v, want <= $3"; e2e_log "$1: $2 Hz share $v"; }

call g722 9 "a=rtpmap:9 G722/8000"
at_least g722 1000 0.3
at_least g722 5000 0.3
call opus 111 "a=rtpmap:111 opus/48000/2"
at_least opus 1000 0.3
at_least opus 5000 0.3
call pcmu 0 "a=rtpmap:0 PCMU/8000"
at_least pcmu 1000 0.6
at_most pcmu 5000 0.02
e2e_stop_server
e2e_pass
