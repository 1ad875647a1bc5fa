#!/bin/bash
# 81: the click-to-dial example (scripts/click2dial.py).
#  1. A trigger call to click2dial (uac_ex7_click2dial.xml) with
#     "P-App-Param: a=sip:alice81@...;b=sip:bob81@..." is answered and hung
#     up by the server; the server INVITEs A (a sipp UAS: R-URI alice81,
#     From "Click to dial" <sip:click2dial@127.0.0.1>), A answers and hears
#     the prompt; then the server INVITEs B (R-URI bob81, From A's URI), B
#     answers: "click2dial: A answered", "click2dial: B answered".  A's RTP
#     sink sends 700 Hz, B's 1500 Hz: once bridged each hears the other's
#     tone (wav_check.py --share, as case 73) and not its own.  A hangs up
#     9 s after answering: B gets the BYE.
#  2. The same with B busy (486): "click2dial: B failed (486)", A hears
#     the failure prompt (speech at its sink) and gets the server's BYE.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
A_PORT=$((E2E_PORT_BASE + 10))
B_PORT=$((E2E_PORT_BASE + 12))
SINK_T=$E2E_SINK_PORT
SINK_A=$((E2E_SINK_PORT + 2))
SINK_B=$((E2E_SINK_PORT + 4))
gen="$E2E_DIR/gen_audio.py"
"$PYTHON" "$gen" tones "$CASE_DIR/a.wav" 8000 16000 700
"$PYTHON" "$gen" tones "$CASE_DIR/b.wav" 8000 12000 1500
e2e_add_script click2dial
[ -f "$CASE_DIR/etc/click2dial.conf" ] || e2e_fail "the installed click2dial.conf is missing ($E2E_PREFIX/etc/sems/etc/click2dial.conf)"
e2e_write_config
e2e_start_server click2dial
c2d_lines() { sed -nE 's/.*Ivr-Python: (click2dial: .*)\r?$/\1/p' "$CASE_DIR/sems.log"; }

# 1: A answers, B answers, A hangs up after 9 s.
e2e_sink_start sinkt "$SINK_T" 1 --echo
e2e_sink_start sinka "$SINK_A" 1 --send "$CASE_DIR/a.wav" --save "$CASE_DIR/heard_a.wav"
e2e_sink_start sinkb "$SINK_B" 1 --send "$CASE_DIR/b.wav" --save "$CASE_DIR/heard_b.wav"
uac_sipp_bg a uas_ex7_answer_bye.xml "$A_PORT" -key sinkport "$SINK_A"
uac_sipp_bg b uas_answer.xml "$B_PORT" -key sinkport "$SINK_B" -key pt 0 -key ptname PCMU
printf 'SEQUENTIAL\n%s;%s;%s;\n' "$SINK_T" "$A_PORT" "$B_PORT" > "$CASE_DIR/trigger.csv"
e2e_sipp trigger uac_ex7_click2dial.xml click2dial
uac_sipp_wait a
uac_sipp_wait b
e2e_sink_stop sinkt
e2e_sink_stop sinka
e2e_sink_stop sinkb
e2e_expect_rc trigger 0 "trigger call (answered, BYE from the server within 5 s)"
e2e_expect_rc a 0 "party A (INVITE, 200, ACK, BYE after 9 s)"
e2e_expect_rc b 0 "party B (INVITE, 180, 200, ACK, BYE after A's)"
uac_msg_has a "^INVITE sip:alice81@127\.0\.0\.1:$A_PORT SIP/2\.0\$" "A's R-URI"
uac_msg_has a '^From: "Click to dial" <sip:click2dial@127\.0\.0\.1>;tag=' "the caller_id From"
uac_msg_has b "^INVITE sip:bob81@127\.0\.0\.1:$B_PORT SIP/2\.0\$" "B's R-URI"
uac_msg_has b "^From: <sip:alice81@127\.0\.0\.1:$A_PORT>;tag=" "A's URI as the From"
got=$(c2d_lines)
want="click2dial: calling A sip:alice81@127.0.0.1:$A_PORT then B sip:bob81@127.0.0.1:$B_PORT
click2dial: A answered
click2dial: B answered
click2dial: A hung up"
[ "$got" = "$want" ] || e2e_fail "run 1: click2dial log lines [$(echo $got)], want [$(echo $want)]"

# Bridged audio starts in A's recording when B got its first packet.
skip=$("$PYTHON" -c 'import json, sys
a = json.load(open(sys.argv[1]))["ports"]; b = json.load(open(sys.argv[2]))["ports"]
fa, fb = list(a.values())[0]["first"], list(b.values())[0]["first"]
print("%.2f" % (fb - fa + 0.5) if fa and fb else "")' "$CASE_DIR/sinka.json" "$CASE_DIR/sinkb.json")
[ -n "$skip" ] || e2e_fail "run 1: A or B received no RTP"
e2e_log "bridged from $skip s of A's audio on"
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
chk heard_a 1500 "share > 0.5 and seconds - $skip > 4" "A does not hear B's 1500 Hz for 4 s"
chk heard_b 700 "share > 0.5 and seconds > 4" "B does not hear A's 700 Hz for 4 s"
chk heard_a 700 "share < 0.1" "A hears its own tone"
chk heard_b 1500 "share < 0.1" "B hears its own tone"
# A heard the prompt before B was called
e2e_check sinka "P['loud_first'] is not None or 'A heard no prompt'"

# 2: B busy.
e2e_sink_start sinkt2 "$SINK_T" 1 --echo
e2e_sink_start sinka2 "$SINK_A" 1 --echo
uac_sipp_bg a2 uas_answer.xml "$A_PORT" -key sinkport "$SINK_A" -key pt 0 -key ptname PCMU
uac_sipp_bg b2 uas_busy.xml "$B_PORT"
cp "$CASE_DIR/trigger.csv" "$CASE_DIR/trigger2.csv"
e2e_sipp trigger2 uac_ex7_click2dial.xml click2dial
uac_sipp_wait b2
uac_sipp_wait a2
e2e_sink_stop sinkt2
e2e_sink_stop sinka2
e2e_expect_rc trigger2 0 "trigger call 2"
e2e_expect_rc b2 0 "busy party B (INVITE, 486, ACK)"
e2e_expect_rc a2 0 "party A (INVITE, 180, 200, ACK, BYE from the server after the failure prompt)"
got=$(c2d_lines | tail -n +5)
want="click2dial: calling A sip:alice81@127.0.0.1:$A_PORT then B sip:bob81@127.0.0.1:$B_PORT
click2dial: A answered
click2dial: B failed (486)"
[ "$got" = "$want" ] || e2e_fail "run 2: click2dial log lines [$(echo $got)], want [$(echo $want)]"
e2e_check sinka2 "P['rms'] > 300 and P['duration'] > 4 or 'A heard %.1f s, RMS %.0f: not the two prompts' % (P['duration'], P['rms'])"
grep -qE '(ERROR|Traceback)' "$CASE_DIR/sems.log" && e2e_fail "server log has errors: $(grep -m2 -E '(ERROR|Traceback)' "$CASE_DIR/sems.log" | cut -c1-200)"
e2e_stop_server
e2e_pass
