#!/bin/bash
# 100: GET /metrics (Prometheus text, parsed by prometheus_client) and GET
# /calls during ten live calls: calls active by application, workers,
# RTP counters, media tick histogram; /calls lists each call with its
# application, parties, state, codec, packets and monitorLog properties.
# After the calls: totals, INVITE replies by code (200, 404), script
# exceptions by application; HEAD/PUT/unknown paths.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops.sh"
e2e_init
ops_init
# the calls stay up 6 s after the 3.3 s prompt: time for the scrapes
e2e_add_script_as monitor_probe monitor_probe "prompt=$E2E_PREFIX/lib/sems/audio/welcome.wav" hold=6
e2e_add_script raise_in_start
e2e_write_config http_listen=127.0.0.1:$E2E_HTTP_PORT
e2e_start_server monitor_probe raise_in_start
e2e_log_has "HTTP listening on 127.0.0.1:$E2E_HTTP_PORT" "the HTTP listener"

ops_metrics "m('sems_calls_active', application='monitor_probe') == 0 and m('sems_workers') >= 4 and m('sems_draining') == 0"
calls=10
{
	echo SEQUENTIAL
	for ((i = 0; i < calls; i++)); do echo "$((E2E_SINK_PORT + 2 * i));"; done
} > "$CASE_DIR/load.csv"
e2e_sink_start sinks "$E2E_SINK_PORT" "$calls" --echo
e2e_sipp load uac_announce.xml monitor_probe -m "$calls" -l "$calls" -r "$calls" &
load_pid=$!
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))   # the background sipp took one port
ops_wait_calls "$calls" monitor_probe
sleep 1
ops_metrics "m('sems_calls_active', application='monitor_probe') == $calls or 'active %s' % m('sems_calls_active', application='monitor_probe')"
ops_metrics "m('sems_calls', application='monitor_probe') == $calls or 'total %s' % m('sems_calls', application='monitor_probe')"
ops_metrics "m('sems_rtp_packets_sent') >= 20 * $calls or 'sent %s' % m('sems_rtp_packets_sent')"
ops_metrics "m('sems_rtp_packets_received') >= 10 * $calls or 'received %s' % m('sems_rtp_packets_received')"
ops_metrics "F['sems_media_tick_lateness_seconds'].type == 'histogram' and m('sems_media_tick_lateness_seconds_count') > 40"
ops_metrics "m('sems_media_tick_lateness_seconds_bucket', le='+Inf') == m('sems_media_tick_lateness_seconds_count')"
ops_metrics "m('sems_workers') >= m('sems_workers_busy') >= 0 and m('sems_session_setups') >= $calls"
ops_metrics "F['sems_session_setups_per_second'].type == 'gauge' and F['sems_kamailio_rpc_errors'].type == 'counter'"
ops_calls "len(C) == $calls or '%d calls listed' % len(C)"
ops_calls "all(c['application'] == 'monitor_probe' and c['state'] == 'connected' and c['direction'] == 'in' for c in C) or C[0]"
ops_calls "len(set(c['call_id'] for c in C)) == $calls and all('sip:e2e@' in c['from'] and 'monitor_probe@' in c['to'] for c in C) or C[0]"
ops_calls "all(c['codec'] == 'PCMU/8000' and c['packets']['sent'] > 10 and c['packets']['received'] > 0 for c in C) or [c['packets'] for c in C]"
ops_calls "all(c['monitor'] == {'probe': 'up', 'steps': ['start', 2]} for c in C) or C[0]['monitor']"
ops_calls "all(c['start'].endswith('Z') and c['start_epoch'] > 1e9 for c in C) or C[0]['start']"
wait "$load_pid"
e2e_sink_stop sinks
e2e_expect_rc load 0 "$calls calls to monitor_probe"

e2e_sipp raise uac_ends_by_server.xml raise_in_start
e2e_sipp unknown uac_expect_404.xml nosuchapp
e2e_expect_rc unknown 0 "the call to an unknown application (404)"
sleep 0.5
ops_calls "C == [] or '%d calls still listed' % len(C)"
ops_metrics "m('sems_calls_active', application='monitor_probe') == 0 and m('sems_calls', application='monitor_probe') == $calls"
ops_metrics "m('sems_invite_replies', code=200) == $calls + 1 or 'INVITE 200: %s' % m('sems_invite_replies', code=200)"  # raise_in_start: answered, then BYE
ops_metrics "m('sems_invite_replies', code=404) == 1 or '404: %s' % m('sems_invite_replies', code=404)"
ops_metrics "m('sems_script_exceptions', application='raise_in_start') >= 1 and m('sems_script_exceptions', application='monitor_probe') == 0"
ops_metrics "m('sems_rtp_packets_lost') <= $calls or 'lost %s' % m('sems_rtp_packets_lost')"
out=$(ops_http post /metrics); [ "${out%% *}" = 405 ] || e2e_fail "POST /metrics: $out, want 405"
out=$(ops_http get /nothing); [ "${out%% *}" = 404 ] || e2e_fail "GET /nothing: $out, want 404"
e2e_stop_server
e2e_pass
