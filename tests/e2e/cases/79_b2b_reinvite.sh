#!/bin/bash
# 79: B2BUA with ivr.conf b2b_media=reinvite (SEMS's end-to-end media).
# A caller (sipp UAC, RTP sink A sending a 700 Hz tone straight to the
# callee's sink, as a phone would once it has the callee's SDP) calls
# b2b_probe, which answers it and connectCallee()s a sipp UAS (sink B,
# 1500 Hz, echoed to whoever sends to it).  The callee's INVITE carries
# the caller's own c=/m= (sink A's port), the caller then gets a
# re-INVITE with the callee's SDP (sink B's port) and answers it with its
# own SDP (unchanged: no re-INVITE of the callee).  Each sink hears the
# other's tone from the other sink's address; the server's RTP to the
# caller stops at the re-INVITE and none reaches the callee; no RTP
# timeout although the server's stream receives nothing (dead_rtp_time=2);
# the callee's BYE after 5 s ends both legs; no session is left.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../uac_lib.sh"
e2e_init
UAS_PORT=$((E2E_PORT_BASE + 10))
SINK_A=$E2E_SINK_PORT
SINK_B=$((E2E_SINK_PORT + 2))
gen="$E2E_DIR/gen_audio.py"
"$PYTHON" "$gen" tones "$CASE_DIR/a.wav" 8000 6000 700
"$PYTHON" "$gen" tones "$CASE_DIR/b.wav" 8000 6000 1500
e2e_add_script_as b2b_probe b2b out="$CASE_DIR/ev.jsonl" \
	callee_uri="sip:callee79@127.0.0.1:$UAS_PORT"
e2e_write_config dead_rtp_time=2
echo "b2b_media=reinvite" >> "$CASE_DIR/etc/ivr.conf"
e2e_start_server b2b

e2e_sink_start sinka "$SINK_A" 1 --send "$CASE_DIR/a.wav" --to "127.0.0.1:$SINK_B" --save "$CASE_DIR/heard_a.wav"
e2e_sink_start sinkb "$SINK_B" 1 --send "$CASE_DIR/b.wav" --save "$CASE_DIR/heard_b.wav"
uac_sipp_bg callee uas_answer_bye_late.xml "$UAS_PORT" -key sinkport "$SINK_B"
e2e_scenario caller --codecs "0 101" reinvite mark:reinvited wait-bye:15000
e2e_sipp call "$CASE_DIR/caller.xml" b2b
uac_sipp_wait callee
e2e_sink_stop sinka
e2e_sink_stop sinkb
e2e_expect_rc call 0 "caller (INVITE, re-INVITE with the callee's SDP, BYE from the server)"
e2e_expect_rc callee 0 "callee UAS (INVITE with the caller's SDP, BYE after 5 s)"

# the callee got the caller's offer, the caller the callee's answer
grep -q "OFFER m=audio $SINK_A RTP/AVP 0 101" "$CASE_DIR/callee.actions.log" ||
	e2e_fail "the callee's INVITE lacks the caller's m= line (port $SINK_A): $(grep OFFER "$CASE_DIR/callee.actions.log" | tr '\n' ' ')"
grep -q "OFFER c=IN IP4 127.0.0.1" "$CASE_DIR/callee.actions.log" || e2e_fail "the callee's INVITE lacks the caller's c= line"
grep -q "REINVITE m=audio $SINK_B RTP/AVP 0 101" "$CASE_DIR/call.actions.log" ||
	e2e_fail "the caller's re-INVITE lacks the callee's m= line (port $SINK_B): $(grep REINVITE "$CASE_DIR/call.actions.log" | tr '\n' ' ')"
[ "$(grep -c '^INVITE ' "$CASE_DIR/callee.msg.log")" = 1 ] || e2e_fail "the callee got a re-INVITE although the caller's answer did not change"
e2e_log_has "the caller took the callee's SDP: media end to end" "the end-to-end log line"

ev=$CASE_DIR/ev.jsonl
e2e_check_events "$ev" "[e['code'] for e in E if e['ev'] == 'other_reply'] == [180, 200] or 'onOtherReply got %s' % [e['code'] for e in E if e['ev'] == 'other_reply']"
e2e_check_events "$ev" "[e['ev'] for e in E if e['ev'] in ('other_bye', 'bye')][:1] == ['other_bye'] or 'events %s' % E"

# media end to end: each sink got the other one's packets straight
e2e_check sinkb "P['sources'] == ['127.0.0.1:$SINK_A'] or 'the callee got RTP from %s' % P['sources']"
MARK=$(e2e_sipp_mark call reinvited)
[ -n "$MARK" ] || e2e_fail "no mark in the caller's log"
e2e_check sinka "P['by_source'].get('127.0.0.1:$SINK_B', {}).get('packets', 0) > 100 or 'the caller got %s' % P['by_source']"
e2e_check sinka "any(s != '127.0.0.1:$SINK_B' for s in P['by_source']) or 'no RTP from the server before the re-INVITE: %s' % P['by_source']"
e2e_check sinka "all(v['last'] <= $MARK + 0.3 for s, v in P['by_source'].items() if s != '127.0.0.1:$SINK_B') or 'the server sent RTP after the re-INVITE (at $MARK): %s' % P['by_source']"
energy() { "$PYTHON" "$E2E_DIR/wav_check.py" "$1" --share "$2" --skip 1.0; }
for pair in "heard_a 1500" "heard_b 700"; do
	set -- $pair
	energy "$CASE_DIR/$1.wav" "$2" > "$CASE_DIR/$1-$2.json" || e2e_fail "no audio saved in $1.wav"
done
"$PYTHON" - "$CASE_DIR" <<'PY' || e2e_fail "$(cat "$CASE_DIR/chk.out")"
import json, sys
d = sys.argv[1]
a = json.load(open(d + "/heard_a-1500.json"))
b = json.load(open(d + "/heard_b-700.json"))
msg = []
if not a["share"] > 0.5:
    msg.append("the caller does not hear the callee's 1500 Hz: %s" % a)
if not b["share"] > 0.5:
    msg.append("the callee does not hear the caller's 700 Hz: %s" % b)
open(d + "/chk.out", "w").write("; ".join(msg))
sys.exit(1 if msg else 0)
PY
e2e_stop_server
e2e_pass
