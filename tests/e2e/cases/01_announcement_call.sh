#!/bin/bash
# 01: a call to `announce` is answered with PCMU, plays the prompt as 50 pkt/s
# RTP (PT 0, seq +1, ts +160) for about the prompt length, then the server
# sends BYE.
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
e2e_start_server announce

prompt=$(e2e_wav_seconds "$E2E_PREFIX/lib/sems/audio/welcome.wav")
e2e_sink_start sink "$E2E_SINK_PORT" 1 --echo
e2e_sipp call uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc call 0 "call (INVITE/200 PCMU/ACK/BYE)"

e2e_check sink "P['packets'] > 0 or 'no RTP received'"
e2e_check sink "list(P['payload_types']) == ['0'] or 'payload types %s, want only 0' % P['payload_types']"
e2e_check sink "45 <= P['pps'] <= 55 or 'rate %.1f pkt/s, want 45-55' % P['pps']"
e2e_check sink "abs(P['duration'] - $prompt) <= 1.3 or 'RTP lasted %.2f s, prompt is $prompt s' % P['duration']"
e2e_check sink "P['seq_gaps'] == 0 and P['seq_dups'] == 0 or 'seq gaps %d dups %d' % (P['seq_gaps'], P['seq_dups'])"
e2e_check sink "list(P['ts_increments']) == ['160'] or 'timestamp increments %s, want only 160' % P['ts_increments']"
e2e_check sink "P['ssrcs'] == 1 or '%d SSRCs' % P['ssrcs']"
e2e_stop_server
e2e_pass
