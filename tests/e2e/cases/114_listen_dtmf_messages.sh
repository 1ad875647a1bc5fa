#!/bin/bash
# 114: keys and text frames: the caller sends INFO keys 5 and # (and the
# script still gets onDtmf for them); the server receives them as
# {"type": "dtmf", "digit": "5"/"#", "duration"} text frames, in order,
# after the start frame; the script's sendListenMessage("hello-bot"), sent
# before the socket was open, reaches the server, and the server's answer
# {"type": "echo", ...} reaches onListenMessage.  stopListen() after 2.5 s
# ends the stream: onListenEnd("stopped"), the server sees a close frame.
. "$(dirname "$0")/../lib.sh"
. "$E2E_DIR/listen_lib.sh"
e2e_init
ev=$CASE_DIR/events.jsonl
listen_server ws echo-text
e2e_add_script_as listen_probe listen_probe "out=$ev" "url=ws://127.0.0.1:$E2E_WS_PORT/" \
	"message=hello-bot" "stop_ms=2500"
e2e_write_config
e2e_start_server listen_probe

e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_scenario call pause:1000 relay:5:160 pause:300 dtmf:# pause:1800 bye
e2e_sipp call "$CASE_DIR/call.xml" listen_probe
e2e_sink_stop sink
listen_server_stop ws
e2e_expect_rc call 0 "call to listen_probe"
listen_check ws "[json.loads(t['text']).get('digit') for t in T if 'dtmf' in t['text']] == ['5', '#'] or 'key frames %s' % [t['text'] for t in T]"
listen_check ws "all(json.loads(t['text']).get('duration', 0) >= 0 for t in T if 'dtmf' in t['text']) or 'key frames %s' % [t['text'] for t in T]"
listen_check ws "[t['text'] for t in T][:1] == ['hello-bot'] or 'text frames %s' % [t['text'] for t in T]"
listen_check ws "[w for w in W if w['ev'] == 'end'][0]['why'].startswith('close frame 1000') or 'end %s' % [w for w in W if w['ev'] == 'end']"
e2e_check_events "$ev" "[json.loads(e['text'])['text'] for e in E if e['ev'] == 'message'][:1] == ['hello-bot'] or 'messages %s' % [e for e in E if e['ev'] == 'message']"
e2e_check_events "$ev" "keys(E) == [5, 11] or 'onDtmf keys %s' % keys(E)"
e2e_check_events "$ev" "[e['reason'] for e in E if e['ev'] == 'listen_end'] == ['stopped'] or 'ends %s' % [e for e in E if e['ev'] == 'listen_end']"
e2e_stop_server
e2e_pass
