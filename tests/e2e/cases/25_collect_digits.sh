#!/bin/bash
# 25: collectDigits with keys by SIP INFO (dtmf-relay), one call per ending:
#   max         keys 1,2,3 into collectDigits(3, 5)       -> "123", "max"
#   terminator  keys 4,5,# into collectDigits(5, 5)       -> "45", "terminator"
#   timeout     key 7 into collectDigits(5, 5, inter_digit=1) -> "7", "timeout",
#               0.9-1.4 s after the key
#   bargein     a 5 s 400 Hz prompt plays looped; key 1 into collectDigits(1, 10)
#               -> "1", "max", and the RTP the caller gets goes silent (no
#               packet with decoded RMS > 300) within 100 ms of the INFO
#   typeahead   key 3 at 0.5 s, collectDigits(2, 5) from 1.5 s, key 4 at 2.5 s
#               -> "34", "max" (the key typed ahead is used)
. "$(dirname "$0")/../lib.sh"
e2e_init
prompt=$CASE_DIR/prompt.wav      # a steady 400 Hz tone: loud in every packet until stopped
"$PYTHON" "$E2E_DIR/gen_audio.py" tone "$prompt" 400 5000 || e2e_fail "could not write prompt.wav"
for m in max terminator timeout bargein typeahead; do
	e2e_add_script_as collect_probe "collect_$m" "mode=$m" "out=$CASE_DIR/$m.jsonl" "prompt=$prompt"
done
e2e_write_config
e2e_start_server collect_max collect_terminator collect_timeout collect_bargein collect_typeahead
digits() { # MODE DIGITS REASON
	e2e_check_events "$CASE_DIR/$1.jsonl" "[(e['digits'], e['reason']) for e in E if e['ev'] == 'digits'] == [('$2', '$3')] or '$1: onDigits %s, want [(\"$2\", \"$3\")]' % [(e['digits'], e['reason']) for e in E if e['ev'] == 'digits']"
}

e2e_scenario max pause:300 relay:1:100 pause:150 relay:2:100 pause:150 relay:3:100 wait-bye:5000
e2e_sipp max "$CASE_DIR/max.xml" collect_max
e2e_expect_rc max 0 "collect max: keys 1 2 3, want the server's BYE"
digits max 123 max

e2e_scenario term pause:300 relay:4:100 pause:150 relay:5:100 pause:150 'relay:#:100' wait-bye:5000
e2e_sipp term "$CASE_DIR/term.xml" collect_terminator
e2e_expect_rc term 0 "collect terminator: keys 4 5 #, want the server's BYE"
digits terminator 45 terminator

e2e_scenario timeout pause:300 relay:7:100 wait-bye:5000
e2e_sipp timeout "$CASE_DIR/timeout.xml" collect_timeout
e2e_expect_rc timeout 0 "collect timeout: key 7 then nothing, want the server's BYE"
digits timeout 7 timeout
e2e_check_events "$CASE_DIR/timeout.jsonl" "0.9 <= [e['t'] for e in E if e['ev'] == 'digits'][0] - [e['t'] for e in E if e['ev'] == 'dtmf'][0] <= 1.4 or 'onDigits came %.2f s after the key, want ~1 s (inter_digit)' % ([e['t'] for e in E if e['ev'] == 'digits'][0] - [e['t'] for e in E if e['ev'] == 'dtmf'][0])"

printf 'SEQUENTIAL\n%s;\n' "$E2E_SINK_PORT" > "$CASE_DIR/barge.csv"
e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_scenario barge pause:1500 mark:key relay:1:100 pause:1500 bye
e2e_sipp barge "$CASE_DIR/barge.xml" collect_bargein
e2e_sink_stop sink
e2e_expect_rc barge 0 "collect with barge-in: key 1 during the prompt"
digits bargein 1 max
key=$(e2e_sipp_mark barge key)
[ -n "$key" ] || e2e_fail "no MARK key in barge.actions.log"
e2e_check sink "P['loud_first'] is not None and P['loud_first'] < $key or 'the prompt was not heard before the key (loud_first %s, key $key)' % P['loud_first']"
e2e_log "barge-in: last loud packet $("$PYTHON" -c "import json; P = list(json.load(open('$CASE_DIR/sink.json'))['ports'].values())[0]; print('%.0f ms' % ((P['loud_last'] - $key) * 1000))") after the key"
e2e_check sink "P['loud_last'] - $key >= -0.040 or 'the prompt stopped %.0f ms before the key' % (($key - P['loud_last']) * 1000)"
e2e_check sink "P['loud_last'] - $key <= 0.100 or 'the prompt went on %.0f ms after the key (want <= 100 ms)' % ((P['loud_last'] - $key) * 1000)"

e2e_scenario ahead pause:500 relay:3:100 pause:2000 relay:4:100 wait-bye:5000
e2e_sipp ahead "$CASE_DIR/ahead.xml" collect_typeahead
e2e_expect_rc ahead 0 "collect with type-ahead: key 3, collect, key 4"
digits typeahead 34 max
e2e_check_events "$CASE_DIR/typeahead.jsonl" "[e['ev'] for e in E if e['ev'] in ('dtmf', 'collect')][:2] == ['dtmf', 'collect'] or 'key 3 was not pressed before collectDigits started: %s' % [e['ev'] for e in E]"
e2e_stop_server
e2e_pass
