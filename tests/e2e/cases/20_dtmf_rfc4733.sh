#!/bin/bash
# 20: RFC 4733 keys from sipp (play_pcap_audio of the sip-tester pcaps 1, 2,
# 3, #, 5, *, 600 ms apart; each one 280 ms event with 3 end packets) reach
# the script's onDtmf exactly once each, in order: keys 1,2,3,11,5,10, each
# with a duration of 200-400 ms.
. "$(dirname "$0")/../lib.sh"
e2e_init
pcaps=/usr/share/sip-tester
[ -f "$pcaps/dtmf_2833_1.pcap" ] || e2e_fail "no $pcaps/dtmf_2833_1.pcap (package sip-tester)"
ev=$CASE_DIR/events.jsonl
e2e_add_script_as dtmf_probe dtmf_probe "out=$ev"
e2e_write_config
e2e_start_server dtmf_probe

steps=(pause:500)
for k in 1 2 3 pound 5 star; do steps+=("pcap:$pcaps/dtmf_2833_$k.pcap" pause:600); done
e2e_scenario keys --media sipp --codecs "0 101" "${steps[@]}" pause:500 bye
e2e_sipp call "$CASE_DIR/keys.xml" dtmf_probe -mi 127.0.0.1 -mp "$E2E_SIPP_MEDIA_PORT"
e2e_expect_rc call 0 "call playing 6 RFC 4733 keys"
e2e_check_events "$ev" "len(calls) == 1 or '%d calls reported' % len(calls)"
e2e_check_events "$ev" "keys(E) == [1, 2, 3, 11, 5, 10] or 'onDtmf keys %s, want [1, 2, 3, 11, 5, 10]' % keys(E)"
e2e_check_events "$ev" "all(200 <= e['duration'] <= 400 for e in E if e['ev'] == 'dtmf') or 'durations %s ms, want 200-400' % [e['duration'] for e in E if e['ev'] == 'dtmf']"
e2e_stop_server
e2e_pass
