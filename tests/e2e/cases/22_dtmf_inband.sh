#!/bin/bash
# 22: in-band DTMF in PCMU audio (the call offers only PCMU, no
# telephone-event): the caller sends tones "159#" (100 ms tones, 100 ms
# gaps) and onDtmf gets keys 1,5,9,11 in order, once each; a second call
# sending 5 s of speech (the installed prompt) and speech-like gliding
# harmonics gets no onDtmf at all.  The tones from a caller that negotiated
# telephone-event are not keys by default (dtmf_inband=auto: such a caller
# sends RFC 4733), and are 1,5,9,11 again with dtmf_inband=always.
. "$(dirname "$0")/../lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
e2e_add_script_as dtmf_probe dtmf_probe "out=$ev"
e2e_write_config
e2e_start_server dtmf_probe

"$PYTHON" "$E2E_DIR/gen_audio.py" dtmf "$CASE_DIR/keys.wav" '159#' || e2e_fail "could not write keys.wav"
"$PYTHON" "$E2E_DIR/gen_audio.py" speechlike "$CASE_DIR/speech.wav" 5000 \
	"$E2E_PREFIX/lib/sems/audio/welcome.wav" || e2e_fail "could not write speech.wav"

e2e_scenario keys --codecs 0 pause:2000 bye
e2e_sink_start sink "$E2E_SINK_PORT" 1 --send "$CASE_DIR/keys.wav"
e2e_sipp call "$CASE_DIR/keys.xml" dtmf_probe
e2e_sink_stop sink
e2e_expect_rc call 0 "call sending in-band 159#"
e2e_check sink "P['packets'] > 0 or 'the server sent no RTP, so the sink never sent the tones'"
e2e_check_events "$ev" "keys(E) == [1, 5, 9, 11] or 'onDtmf keys %s, want [1, 5, 9, 11]' % keys(E)"

: > "$ev"
e2e_scenario speech --codecs 0 pause:6000 bye
printf 'SEQUENTIAL\n%s;\n' "$((E2E_SINK_PORT + 2))" > "$CASE_DIR/speech.csv"
e2e_sink_start sink2 "$((E2E_SINK_PORT + 2))" 1 --send "$CASE_DIR/speech.wav"
e2e_sipp speech "$CASE_DIR/speech.xml" dtmf_probe
e2e_sink_stop sink2
e2e_expect_rc speech 0 "call sending 5 s of speech"
e2e_check sink2 "P['packets'] > 0 or 'the server sent no RTP, so the sink never sent the speech'"
e2e_check_events "$ev" "keys(E) == [] or 'speech gave onDtmf keys %s, want none' % keys(E)"

# tones_with_telev NAME: a PCMU + telephone-event call sending the tones.
tones_with_telev() {
	: > "$ev"
	e2e_scenario "$1" --codecs "0 101" pause:2000 bye
	e2e_sink_start "$1_sink" "$E2E_SINK_PORT" 1 --send "$CASE_DIR/keys.wav"
	e2e_sipp "$1" "$CASE_DIR/$1.xml" dtmf_probe
	e2e_sink_stop "$1_sink"
	e2e_expect_rc "$1" 0 "call with telephone-event sending in-band 159#"
	e2e_check "$1_sink" "P['packets'] > 0 or 'the server sent no RTP, so the sink never sent the tones'"
}
tones_with_telev telev_auto
e2e_check_events "$ev" "keys(E) == [] or 'dtmf_inband=auto, telephone-event negotiated: onDtmf keys %s, want none' % keys(E)"
e2e_stop_server

e2e_write_config dtmf_inband=always
e2e_start_server dtmf_probe
tones_with_telev telev_always
e2e_check_events "$ev" "keys(E) == [1, 5, 9, 11] or 'dtmf_inband=always: onDtmf keys %s, want [1, 5, 9, 11]' % keys(E)"
e2e_stop_server
e2e_pass
