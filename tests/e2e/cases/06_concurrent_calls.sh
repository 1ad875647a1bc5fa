#!/bin/bash
# 06: 20 concurrent calls to `announce` all succeed and each gets the prompt
# as RTP (one sink port per call).
. "$(dirname "$0")/../lib.sh"
e2e_init
e2e_add_script announce
e2e_write_config
e2e_start_server announce

calls=20
{
	echo SEQUENTIAL
	for ((i = 0; i < calls; i++)); do echo "$((E2E_SINK_PORT + 2 * i));"; done
} > "$CASE_DIR/load.csv"
prompt=$(e2e_wav_seconds "$E2E_PREFIX/lib/sems/audio/welcome.wav")
e2e_sink_start sinks "$E2E_SINK_PORT" "$calls"
e2e_sipp load uac_announce.xml announce -m "$calls" -l "$calls" -r "$calls"
e2e_sink_stop sinks
e2e_server_alive
ok=$(e2e_sipp_successful load)
[ "$ok" = "$calls" ] || e2e_fail "$ok of $calls concurrent calls succeeded (sipp exit $E2E_SIPP_RC)"
e2e_expect_rc load 0 "20 concurrent calls"

e2e_check sinks "all(p['packets'] > 0 for p in ports) or '%d of %d calls got RTP' % (sum(p['packets'] > 0 for p in ports), len(ports))"
e2e_check sinks "all(40 <= p['pps'] <= 60 for p in ports) or 'per-call rates %s, want 40-60 pkt/s' % sorted(round(p['pps']) for p in ports)"
e2e_check sinks "all(abs(p['duration'] - $prompt) <= 1.5 for p in ports) or 'per-call RTP durations %s s, prompt $prompt s' % sorted(round(p['duration'], 1) for p in ports)"
e2e_check sinks "sum(p['seq_gaps'] for p in ports) <= $calls or 'sequence gaps %s' % [p['seq_gaps'] for p in ports]"
e2e_stop_server
e2e_pass
