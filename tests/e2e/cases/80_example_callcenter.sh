#!/bin/bash
# 80: the call centre example (scripts/callcenter.py), agent_uri a sipp UAS.
#  1. The agent answers (uas_answer.xml: 180, 200): after the greeting the
#     server INVITEs sip:agent80@... (R-URI checked), logs "callcenter:
#     agent answered", and caller and agent hear each other: the caller's
#     RTP sink sends 700 Hz, the agent's 1500 Hz, and from the moment the
#     agent got its first packet on, 1500 Hz is most of what the caller
#     hears and 700 Hz most of what the agent hears (wav_check.py --share,
#     as case 73), neither hears its own tone; the caller's BYE reaches the
#     agent.
#  2. The agent is busy (uas_busy.xml: 486), then answers the retry
#     retry_delay=2 s later (uas_answer.xml on the same port): "callcenter:
#     agent busy (486)" then "callcenter: agent answered", the agent gets a
#     second INVITE and the caller's BYE.
#  3. (server restarted with agent_timeout=2, retry_delay=1, max_retries=1)
#     The agent rings and never answers (uas_ring_cancel.xml, 2 calls): each
#     try is CANCELled after 2 s ("callcenter: no answer" twice), then
#     "callcenter: giving up", the goodbye prompt and the server's BYE.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
UAS_PORT=$((E2E_PORT_BASE + 10))
CALLER2_PORT=$((E2E_PORT_BASE + 12))
SINK_B=$((E2E_SINK_PORT + 2))
SINK_C=$((E2E_SINK_PORT + 4))
SINK_D=$((E2E_SINK_PORT + 6))
gen="$E2E_DIR/gen_audio.py"
"$PYTHON" "$gen" tones "$CASE_DIR/a.wav" 8000 16000 700
"$PYTHON" "$gen" tones "$CASE_DIR/b.wav" 8000 12000 1500
e2e_add_script callcenter
[ -f "$CASE_DIR/etc/callcenter.conf" ] || e2e_fail "the installed callcenter.conf is missing ($E2E_PREFIX/etc/sems/etc/callcenter.conf)"
printf 'agent_uri=sip:agent80@127.0.0.1:%s\nagent_timeout=6\nretry_delay=2\nmax_retries=2\n' "$UAS_PORT" \
	> "$CASE_DIR/etc/callcenter.conf"
e2e_write_config
e2e_start_server callcenter
cc_lines() { sed -nE 's/.*Ivr-Python: (callcenter: (agent (answered|busy.*)|no answer|giving up))\r?$/\1/p' "$CASE_DIR/sems.log"; }

# 1: greeting (~4-5 s), agent rings 300 ms and answers, 8 s bridged, BYE.
e2e_sink_start sinka "$E2E_SINK_PORT" 1 --send "$CASE_DIR/a.wav" --save "$CASE_DIR/heard_a.wav"
e2e_sink_start sinkb "$SINK_B" 1 --send "$CASE_DIR/b.wav" --save "$CASE_DIR/heard_b.wav"
uac_sipp_bg agent uas_answer.xml "$UAS_PORT" -key sinkport "$SINK_B" -key pt 0 -key ptname PCMU
e2e_scenario caller --codecs "0 101" pause:13000 bye
e2e_sipp call "$CASE_DIR/caller.xml" callcenter
uac_sipp_wait agent
e2e_sink_stop sinka
e2e_sink_stop sinkb
e2e_expect_rc call 0 "caller (greeting, bridged to the agent, BYE)"
e2e_expect_rc agent 0 "agent UAS (INVITE, 180, 200, ACK, BYE after the caller's)"
uac_msg_has agent "^INVITE sip:agent80@127\.0\.0\.1:$UAS_PORT SIP/2\.0\$" "the agent's R-URI"
got=$(cc_lines)
[ "$got" = "callcenter: agent answered" ] || e2e_fail "run 1: callcenter log lines [$(echo $got)], want [callcenter: agent answered]"

# Where the bridged audio starts in the caller's recording: the agent's first
# packet (the server relays to it only once bridged), relative to the caller's.
skip=$("$PYTHON" -c 'import json, sys
a = json.load(open(sys.argv[1]))["ports"]; b = json.load(open(sys.argv[2]))["ports"]
fa, fb = list(a.values())[0]["first"], list(b.values())[0]["first"]
print("%.2f" % (fb - fa + 0.5) if fa and fb else "")' "$CASE_DIR/sinka.json" "$CASE_DIR/sinkb.json")
[ -n "$skip" ] || e2e_fail "run 1: the caller or the agent received no RTP"
e2e_log "bridged from $skip s of the caller's audio on"
share() { "$PYTHON" "$E2E_DIR/wav_check.py" "$CASE_DIR/$1.wav" --share "$2" --skip "$3" > "$CASE_DIR/$1-$2.json" ||
	e2e_fail "no audio saved in $1.wav"; }
chk() {
	"$PYTHON" -c 'import json, sys
e = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2], {}, e) else 1)' "$CASE_DIR/$1-$2.json" "$3" ||
		e2e_fail "$4: $(cat "$CASE_DIR/$1-$2.json") ($3)"
}
share heard_a 1500 "$skip"; share heard_a 700 "$skip"
share heard_b 700 0.5; share heard_b 1500 0.5
chk heard_a 1500 "share > 0.5 and seconds - $skip > 5" "the caller does not hear the agent's 1500 Hz for 5 s"
chk heard_b 700 "share > 0.5 and seconds > 5" "the agent does not hear the caller's 700 Hz for 5 s"
chk heard_a 700 "share < 0.1" "the caller hears its own tone"
chk heard_b 1500 "share < 0.1" "the agent hears its own tone"

# 2: 486 first, the retry 2 s later answered.
printf 'SEQUENTIAL\n%s;\n' "$SINK_C" > "$CASE_DIR/caller2.csv"
e2e_scenario caller2 --codecs "0 101" pause:12000 bye
e2e_sink_start sinkc "$SINK_C" 1 --echo
e2e_sink_start sinkd "$SINK_D" 1 --echo
uac_sipp_bg busy uas_busy.xml "$UAS_PORT"
uac_sipp_bg caller2 "$CASE_DIR/caller2.xml" "$CALLER2_PORT" -s callcenter -inf "$CASE_DIR/caller2.csv" \
	-recv_timeout 12000 "127.0.0.1:$E2E_SIP_PORT"
uac_sipp_wait busy
uac_sipp_bg agent2 uas_answer.xml "$UAS_PORT" -key sinkport "$SINK_D" -key pt 0 -key ptname PCMU
uac_sipp_wait caller2
uac_sipp_wait agent2
e2e_sink_stop sinkc
e2e_sink_stop sinkd
e2e_expect_rc busy 0 "busy agent (INVITE, 486, ACK)"
e2e_expect_rc caller2 0 "caller 2 (greeting, busy, hold, bridged on the retry, BYE)"
e2e_expect_rc agent2 0 "agent answering the retry (INVITE, 180, 200, ACK, BYE)"
got=$(cc_lines | tail -n +2)
want="callcenter: agent busy (486)
callcenter: agent answered"
[ "$got" = "$want" ] || e2e_fail "run 2: callcenter log lines [$(echo $got)], want [$(echo $want)]"
e2e_check sinkd "P['packets'] > 100 or 'the agent got %d packets from the caller' % P['packets']"
no_errors() {
	grep -qE '(ERROR|Traceback)' "$CASE_DIR/sems.log" &&
		e2e_fail "$1: server log has errors: $(grep -m2 -E '(ERROR|Traceback)' "$CASE_DIR/sems.log" | cut -c1-200)"
	return 0
}
no_errors "runs 1-2"
e2e_stop_server

# 3: no answer on either try, then goodbye.
printf 'agent_uri=sip:agent80@127.0.0.1:%s\nagent_timeout=2\nretry_delay=1\nmax_retries=1\n' "$UAS_PORT" \
	> "$CASE_DIR/etc/callcenter.conf"
mv "$CASE_DIR/sems.log" "$CASE_DIR/sems-runs12.log"
e2e_start_server callcenter
e2e_scenario caller3 --codecs "0 101" wait-bye:22000
printf 'SEQUENTIAL\n%s;\n' "$SINK_C" > "$CASE_DIR/caller3.csv"
e2e_sink_start sinke "$SINK_C" 1 --echo
uac_sipp_bg ring uas_ring_cancel.xml "$UAS_PORT" -m 2
start=$SECONDS
e2e_sipp caller3 "$CASE_DIR/caller3.xml" callcenter
took=$((SECONDS - start))
uac_sipp_wait ring
e2e_sink_stop sinke
e2e_expect_rc caller3 0 "caller 3 (greeting, two unanswered tries, goodbye, BYE from the server)"
e2e_expect_rc ring 0 "ringing agent (INVITE, 180, CANCEL, 487, ACK; twice)"
got=$(cc_lines)
want="callcenter: no answer
callcenter: no answer
callcenter: giving up"
[ "$got" = "$want" ] || e2e_fail "run 3: callcenter log lines [$(echo $got)], want [$(echo $want)]"
e2e_check sinke "P['rms'] > 300 and P['duration'] > 12 or 'caller 3 heard %.1f s, RMS %.0f: not greeting, hold, busy and goodbye' % (P['duration'], P['rms'])"
e2e_log "run 3 took $took s"
no_errors "run 3"
e2e_stop_server
e2e_pass
