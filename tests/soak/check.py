"""check.py: the soak test's counting (called by tests/soak/run.sh).

  check.py stat STAT_CSV              sipp's -trace_stat file: "created
                                      successful failed peak" (the last
                                      row's cumulated counters, the largest
                                      CurrentCall)
  check.py keys CALLS_LOG DIGITS_LOG KEYS
                                      the Call-IDs sipp logged ("CALL id"
                                      lines) against the script's lines
                                      "id keys reason": "calls correct wrong
                                      missing extra" (correct: the call's one
                                      line has exactly KEYS; wrong: other keys
                                      or more than one line; extra: lines of
                                      Call-IDs sipp never logged); the first
                                      wrong ones go to stderr
  check.py wavs DIR N MIN_S MAX_S     the recordings (*.wav) in DIR: "count
                                      sampled good"; N picked at random are
                                      checked with tests/e2e/wav_check.py:
                                      valid, 8 kHz mono PCM16, MIN_S..MAX_S
                                      long; the bad ones go to stderr
  check.py smaps BEFORE AFTER         two copies of /proc/PID/smaps: the
                                      mappings whose resident size changed
                                      ([heap] = glibc's main arena, 64 MiB
                                      reserved [anon] = thread arenas) and
                                      the total, in KiB
"""
import collections
import glob
import json
import os
import random
import re
import subprocess
import sys

WAV_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "wav_check.py")


def stat(path):
    rows = [line.rstrip("\n").split(";") for line in open(path) if line.strip()]
    head, data = rows[0], [r for r in rows[1:] if len(r) >= len(rows[0]) - 1]
    col = {name: i for i, name in enumerate(head)}
    last = data[-1] if data else None

    def at(row, name):
        return int(float(row[col[name]])) if row and row[col[name]] else 0
    peak = max((at(r, "CurrentCall") for r in data), default=0)
    print(at(last, "TotalCallCreated"), at(last, "SuccessfulCall(C)"), at(last, "FailedCall(C)"), peak)


def keys(calls_log, digits_log, want):
    calls = set()
    for line in open(calls_log, errors="replace"):
        if line.startswith("CALL "):
            calls.add(line.split()[1])
    lines = collections.defaultdict(list)
    for line in open(digits_log, errors="replace"):
        f = line.split()
        if len(f) == 3:
            lines[f[0]].append(f[1])
    correct = wrong = missing = 0
    shown = 0
    for c in calls:
        got = lines.get(c)
        if not got:
            missing += 1
        elif got == [want]:
            correct += 1
        else:
            wrong += 1
            if shown < 5:
                shown += 1
                print("call %s: keys %s, want %s" % (c, got, want), file=sys.stderr)
    extra = len(set(lines) - calls)
    print(len(calls), correct, wrong, missing, extra)


def wavs(d, n, lo, hi):
    files = sorted(glob.glob(os.path.join(d, "*.wav")))
    sample = random.sample(files, min(n, len(files)))
    good = 0
    for f in sample:
        out = subprocess.run([sys.executable, WAV_CHECK, f], capture_output=True, text=True).stdout
        try:
            r = json.loads(out)
        except ValueError:
            r = {"valid": False, "why": "wav_check said %r" % out[:200]}
        fmt = (r.get("rate"), r.get("channels"), r.get("width"))
        if r["valid"] and fmt == (8000, 1, 2) and lo <= r["seconds"] <= hi:
            good += 1
        else:
            print("%s: valid %s (%s), rate/channels/width %s, %s s (want %s-%s)" % (
                os.path.basename(f), r["valid"], r.get("why"), fmt, r.get("seconds"), lo, hi),
                file=sys.stderr)
    print(len(files), len(sample), good)


def smaps_rss(path):
    maps, cur = {}, None
    for line in open(path):
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
        if m:
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            cur = maps[lo] = {"kib": (hi - lo) // 1024, "name": m.group(3) or "[anon]", "rss": 0}
        elif line.startswith("Rss:") and cur is not None:
            cur["rss"] = int(line.split()[1])
    return maps


def smaps(before, after):
    a, b = smaps_rss(before), smaps_rss(after)
    total = 0
    for start in sorted(set(a) | set(b)):
        ra, rb = a.get(start, {}).get("rss", 0), b.get(start, {}).get("rss", 0)
        if ra != rb:
            m = b.get(start) or a[start]
            total += rb - ra
            print("%x %8d KiB %-32s Rss %6d -> %6d KiB (%+d)" % (
                start, m["kib"], m["name"][-32:], ra, rb, rb - ra))
    print("total %+d KiB" % total)


def main():
    cmd = sys.argv[1]
    if cmd == "stat":
        stat(sys.argv[2])
    elif cmd == "keys":
        keys(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "wavs":
        wavs(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
    elif cmd == "smaps":
        smaps(sys.argv[2], sys.argv[3])
    else:
        sys.exit("check.py: unknown command %r" % cmd)


if __name__ == "__main__":
    main()
