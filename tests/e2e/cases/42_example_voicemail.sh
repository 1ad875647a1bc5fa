#!/bin/bash
# 42: the voicemail example (scripts/voicemail.py); spool_dir (not there
# yet) inside the case dir; the caller's audio from an RTP sink (--send: 4.6 s
# of silence, i.e. greeting + beep, then 3 s of speech from the sip-tester
# g711a.pcap, then silence).  Per call, a new WAV named
# <Call-ID with [^A-Za-z0-9._-] as _>-<unix time>.wav, 8 kHz mono PCM16, and
# the log line "voicemail: saved PATH (REASON, N ms)" with N within 100 ms of
# the file's length:
#  - # by SIP INFO at 7.9 s: reason key, 2-5 s long, not silent (RMS > 300);
#    the playback ("Your message was ... Here it is." + the message +
#    "Goodbye.") is heard for at least the message's length + 2 s after the
#    #, then the server's BYE;
#  - the caller hangs up at 6 s: reason hangup, 0.8-3 s long, not silent;
#  - the caller sends only silence: reason silence (silence_ms=3000), 2.5-4 s
#    long, then the playback and the server's BYE.
. "$(dirname "$0")/../lib.sh"
e2e_init
pcap=/usr/share/sip-tester/g711a.pcap
[ -f "$pcap" ] || e2e_fail "no $pcap (package sip-tester)"
spool=$CASE_DIR/spool/vm
e2e_add_script voicemail
[ -f "$CASE_DIR/etc/voicemail.conf" ] || e2e_fail "the installed voicemail.conf is missing ($E2E_PREFIX/etc/sems/etc/voicemail.conf)"
printf 'spool_dir=%s\nmax_seconds=20\nsilence_ms=3000\n' "$spool" > "$CASE_DIR/etc/voicemail.conf"
e2e_write_config
e2e_start_server voicemail

# The caller's audio: A-law payloads of the pcap (1.5-4.5 s: speech) after
# 4.6 s of silence.
"$PYTHON" - "$pcap" "$CASE_DIR/caller.wav" <<'PY' || e2e_fail "could not make caller.wav from $pcap"
import struct, sys, wave
sys.path.insert(0, "$E2E_DIR")
def alaw(b):
    b ^= 0x55
    t = (b & 0x0F) << 4
    seg = (b & 0x70) >> 4
    t = t + 8 if seg == 0 else ((t + 0x108) << (seg - 1))
    return t if b & 0x80 else -t
d = open(sys.argv[1], "rb").read()
off, pcm = 24, []
while off + 16 <= len(d):
    incl = struct.unpack("<I", d[off + 8:off + 12])[0]
    rtp = d[off + 16 + 42:off + 16 + incl]
    off += 16 + incl
    pcm += [alaw(b) for b in rtp[12:]]
speech = pcm[12000:36000]
w = wave.open(sys.argv[2], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"\0\0" * 36800 + struct.pack("<%dh" % len(speech), *speech))
w.close()
PY

# No "cannot record" (or other script error) in the log, else fail with it.
no_script_error() {
	local err
	err=$(grep -m1 -E 'voicemail: cannot|Ivr-Python: [A-Za-z]+(Error|Exception):' "$CASE_DIR/sems.log" | cut -c1-300)
	[ -z "$err" ] || e2e_fail "$1: the script could not record: $err"
}

# check_message CALL REASON MIN_S MAX_S MIN_RMS: the one WAV of CALL in the
# spool dir, its log line; prints the file's length in seconds.
check_message() {
	local call=$1 reason=$2 min=$3 max=$4 rms=$5 callid out
	callid=$(grep -m1 -i '^Call-ID:' "$CASE_DIR/$call.msg.log" | sed -E 's/^[^:]*: *//' | tr -d '\r')
	[ -n "$callid" ] || e2e_fail "$call: no Call-ID in $call.msg.log"
	out=$("$PYTHON" - "$spool" "$callid" "$reason" "$min" "$max" "$rms" "$CASE_DIR/sems.log" <<'PY'
import glob, os, re, struct, sys, wave
spool, callid, reason, lo, hi, min_rms, log = sys.argv[1:]
stem = re.sub(r"[^A-Za-z0-9._-]", "_", callid)
files = [f for f in glob.glob(os.path.join(spool, "*")) if os.path.basename(f).startswith(stem + "-")]
if len(files) != 1:
    sys.exit("%d files for Call-ID %s in %s: %s" % (len(files), callid, spool, os.listdir(spool) if os.path.isdir(spool) else "no dir"))
path = files[0]
if not re.fullmatch(re.escape(stem) + r"-\d{10}\.wav", os.path.basename(path)):
    sys.exit("file name %s, want %s-<unix time>.wav" % (os.path.basename(path), stem))
try:
    w = wave.open(path)
except Exception as e:
    sys.exit("%s is not a valid WAV: %s" % (path, e))
fmt = (w.getframerate(), w.getnchannels(), w.getsampwidth())
if fmt != (8000, 1, 2):
    sys.exit("%s: rate/channels/sample width %s, want 8000/1/2" % (path, fmt))
n = w.getnframes()
pcm = struct.unpack("<%dh" % n, w.readframes(n))
secs = n / 8000.0
rms = (sum(v * v for v in pcm) / n) ** 0.5 if n else 0.0
if not float(lo) <= secs <= float(hi):
    sys.exit("%s is %.2f s long, want %s-%s" % (path, secs, lo, hi))
if rms < float(min_rms):
    sys.exit("%s: RMS %.0f, want >= %s (not silent)" % (path, rms, min_rms))
lines = [l for l in open(log, errors="replace") if "voicemail: saved " + path + " " in l]
if len(lines) != 1:
    sys.exit("%d log lines 'voicemail: saved %s ...'" % (len(lines), path))
m = re.search(r"voicemail: saved \S+ \((\w+), (\d+) ms\)", lines[0])
if not m or m.group(1) != reason:
    sys.exit("log line %r, want reason %s" % (lines[0].strip()[-120:], reason))
if abs(int(m.group(2)) - secs * 1000) > 100:
    sys.exit("log says %s ms, the file is %.0f ms" % (m.group(2), secs * 1000))
print("%.3f" % secs)
PY
) || e2e_fail "$call: $out"
	echo "$out"
}

# 1: speech, then # (INFO) at 7.9 s.
e2e_scenario key pause:7900 mark:hash 'relay:#' wait-bye:20000
e2e_sink_start sink1 "$E2E_SINK_PORT" 1 --send "$CASE_DIR/caller.wav"
e2e_sipp call1 "$CASE_DIR/key.xml" voicemail
e2e_sink_stop sink1
no_script_error call1
e2e_expect_rc call1 0 "call leaving a message, ending it with # (server BYE after the playback)"
[ -d "$spool" ] || e2e_fail "spool_dir $spool was not created"
len=$(check_message call1 key 2 5 300) || exit 1
hash=$(e2e_sipp_mark call1 hash)
e2e_check sink1 "P['loud_last'] and P['loud_last'] - $hash >= $len + 2 or 'call 1: speech went on %s s after the #, want >= message ($len s) + 2 s of playback' % (P['loud_last'] and round(P['loud_last'] - $hash, 2))"

# 2: the caller hangs up while recording.
e2e_scenario hang pause:6000 bye
printf 'SEQUENTIAL\n%s;\n' $((E2E_SINK_PORT + 2)) > "$CASE_DIR/call2.csv"
e2e_sink_start sink2 $((E2E_SINK_PORT + 2)) 1 --send "$CASE_DIR/caller.wav"
e2e_sipp call2 "$CASE_DIR/hang.xml" voicemail
e2e_sink_stop sink2
no_script_error call2
e2e_expect_rc call2 0 "call hanging up while recording"
sleep 0.5    # onRecordDone runs as the BYE is handled
check_message call2 hangup 0.8 3 300 > /dev/null || exit 1

# 3: silence only: the recording ends after silence_ms.
e2e_scenario quiet wait-bye:20000
printf 'SEQUENTIAL\n%s;\n' $((E2E_SINK_PORT + 4)) > "$CASE_DIR/call3.csv"
e2e_sink_start sink3 $((E2E_SINK_PORT + 4)) 1 --echo
e2e_sipp call3 "$CASE_DIR/quiet.xml" voicemail
e2e_sink_stop sink3
no_script_error call3
e2e_expect_rc call3 0 "call sending only silence (server BYE after the playback)"
check_message call3 silence 2.5 4 0 > /dev/null || exit 1

n=$(ls "$spool" | wc -l)
[ "$n" = 3 ] || e2e_fail "$n files in the spool dir after 3 calls: $(ls "$spool" | tr '\n' ' ')"
grep -qE '(ERROR|Traceback)' "$CASE_DIR/sems.log" && e2e_fail "server log has errors: $(grep -m2 -E '(ERROR|Traceback)' "$CASE_DIR/sems.log" | cut -c1-200)"
e2e_stop_server
e2e_pass
