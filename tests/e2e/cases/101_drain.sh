#!/bin/bash
# 101: drain: three live calls; `sems-ctl drain` (POST /drain); new INVITEs
# and OPTIONS get 503, /metrics shows sems_draining 1, the live calls end
# normally; `sems-ctl undrain`: calls and OPTIONS work again.  Access:
# GET on /drain is 405; restarted with http_token: no or a wrong token is
# 401 on every endpoint, the right one works; without a token, a client
# not on loopback gets 403 for /drain (when this host has such an address).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ops.sh"
e2e_init
ops_init
CTL="$PYTHON $E2E_ROOT/scripts/sems-ctl -f /nonexistent -u $HTTP_URL"
e2e_add_script announce
e2e_write_config http_listen=127.0.0.1:$E2E_HTTP_PORT
e2e_start_server announce

e2e_sipp opt_ok uac_options.xml options
e2e_expect_rc opt_ok 0 "OPTIONS before the drain (200)"
{
	echo SEQUENTIAL
	for ((i = 0; i < 3; i++)); do echo "$((E2E_SINK_PORT + 2 * i));"; done
} > "$CASE_DIR/live.csv"
e2e_sink_start sinks "$E2E_SINK_PORT" 3
e2e_sipp live uac_announce.xml announce -m 3 -l 3 -r 3 &
live_pid=$!
E2E_SIPP_NEXT=$((E2E_SIPP_NEXT + 1))   # the background sipp took one port
ops_wait_calls 3 announce
out=$($CTL drain) || e2e_fail "sems-ctl drain failed: $out"
echo "$out" | grep -q '"draining":true' || e2e_fail "sems-ctl drain said: $out"
[ "$($CTL status)" = "draining 3 sessions" ] || e2e_fail "sems-ctl status: $($CTL status)"
ops_metrics "m('sems_draining') == 1"
e2e_sipp refused uac_expect_503.xml announce
e2e_expect_rc refused 0 "an INVITE while draining (want 503)"
e2e_sipp opt_503 uac_options_503.xml options
e2e_expect_rc opt_503 0 "OPTIONS while draining (want 503)"
e2e_log_has "draining: 503" "the refused call in the log"
wait "$live_pid"
e2e_sink_stop sinks
e2e_expect_rc live 0 "the three calls that were live when the drain began"
e2e_check sinks "all(p['packets'] > 100 for p in ports) or 'RTP per call %s' % [p['packets'] for p in ports]"
ops_metrics "m('sems_invite_replies', code=503) == 1 and m('sems_invite_replies', code=200) == 3"
out=$($CTL undrain) || e2e_fail "sems-ctl undrain failed: $out"
echo "$out" | grep -q '"draining":false' || e2e_fail "sems-ctl undrain said: $out"
ops_metrics "m('sems_draining') == 0"
e2e_sipp opt_again uac_options.xml options
e2e_expect_rc opt_again 0 "OPTIONS after undrain (200)"
e2e_sink_start sink
e2e_sipp again uac_announce.xml announce
e2e_sink_stop sink
e2e_expect_rc again 0 "a call after undrain"
out=$(ops_http get /drain); [ "${out%% *}" = 405 ] || e2e_fail "GET /drain: $out, want 405"

# not on loopback: 403 for control, /metrics still open
ext=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
e2e_stop_server
if [ -n "$ext" ]; then
	e2e_write_config http_listen=0.0.0.0:$E2E_HTTP_PORT
	e2e_start_server announce
	out=$(OPS_URL=http://$ext:$E2E_HTTP_PORT ops_http post /drain)
	[ "${out%% *}" = 403 ] || e2e_fail "POST /drain from $ext: $out, want 403"
	out=$(OPS_URL=http://$ext:$E2E_HTTP_PORT ops_http get /metrics)
	[ "${out%% *}" = 200 ] || e2e_fail "GET /metrics from $ext: ${out:0:80}, want 200"
	ops_metrics "m('sems_draining') == 0"
	e2e_stop_server
else
	e2e_log "no non-loopback address: the 403 check is skipped"
fi

e2e_write_config http_listen=127.0.0.1:$E2E_HTTP_PORT http_token=s3cret
e2e_start_server announce
e2e_log_has "bearer token required" "the token notice"
for p in /metrics /calls; do
	out=$(ops_http get $p); [ "${out%% *}" = 401 ] || e2e_fail "GET $p without a token: ${out:0:80}, want 401"
	out=$(ops_http get $p wrong); [ "${out%% *}" = 401 ] || e2e_fail "GET $p with a wrong token: ${out:0:80}, want 401"
	out=$(ops_http get $p s3cret); [ "${out%% *}" = 200 ] || e2e_fail "GET $p with the token: ${out:0:80}, want 200"
done
out=$(ops_http post /drain); [ "${out%% *}" = 401 ] || e2e_fail "POST /drain without a token: $out, want 401"
$CTL drain > /dev/null 2>&1 && e2e_fail "sems-ctl drain without the token succeeded"
out=$($CTL -t s3cret drain) || e2e_fail "sems-ctl -t drain failed: $out"
out=$(SEMS_HTTP_TOKEN=s3cret $CTL undrain) || e2e_fail "sems-ctl undrain (SEMS_HTTP_TOKEN) failed: $out"
HTTP_TOKEN=s3cret ops_metrics "m('sems_draining') == 0"
e2e_stop_server
e2e_pass
