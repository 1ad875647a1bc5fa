"""analyze.py: the benchmark's number crunching (called by tests/bench/run.sh).

  analyze.py rtt FILE...             INVITE->200 of every call from sipp's
                                     -trace_rtt files: "calls p50 p99 max" (ms)
  analyze.py onset SIPP_LOG METER_JSON
                                     blocking-script step: each answered call
                                     (sipp log lines "A port epoch_s epoch_us")
                                     is matched to its segment on that meter
                                     port (the first SSRC whose first packet
                                     is not earlier than 0.5 s before the
                                     200); prints "answered heard p50 p99
                                     max" (ms from the 200 to the first
                                     non-silent packet; a call never heard
                                     counts as missing)
  analyze.py rtp METER_JSON          talking step: "measured with_rtp
                                     gap_p99 gap_max delay_max late40 lost"
  analyze.py stat STAT_CSV COLUMN    largest value of COLUMN in sipp's
                                     -trace_stat file
"""
import bisect
import json
import math
import sys


def pct(v, p):
    if not v:
        return float("nan")
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def fmt(x):
    return "-" if x != x else ("%.0f" % x)


def rtt(files):
    v = []
    for f in files:
        try:
            for line in open(f):
                parts = line.strip().split(";")
                if len(parts) >= 2:
                    try:
                        v.append(float(parts[1]))
                    except ValueError:
                        pass
        except OSError:
            pass
    v.sort()
    print(len(v), fmt(pct(v, 50)), fmt(pct(v, 99)), fmt(v[-1] if v else float("nan")))


def onset(log, meter):
    segs = {}
    try:
        for port, lst in json.load(open(meter))["ports"].items():
            lst = sorted(lst, key=lambda s: s["first"])
            segs[int(port)] = ([s["first"] for s in lst], lst)
    except (OSError, ValueError):
        pass
    answered, delays, used = 0, [], set()
    for line in open(log):
        p = line.split()
        if len(p) < 4 or p[0] != "A":
            continue
        answered += 1
        port, t200 = int(p[1]), float(p[2]) + float(p[3]) / 1e6
        firsts, lst = segs.get(port, ([], []))
        i = bisect.bisect_left(firsts, t200 - 0.5)
        while i < len(lst) and (port, i) in used:
            i += 1
        if i < len(lst) and lst[i]["first"] < t200 + 5:
            used.add((port, i))
            if lst[i]["onset"] is not None:
                delays.append((lst[i]["onset"] - t200) * 1000)
    delays.sort()
    print(answered, len(delays), fmt(pct(delays, 50)), fmt(pct(delays, 99)),
          fmt(delays[-1] if delays else float("nan")))


def rtp(meter):
    try:
        s = json.load(open(meter))["summary"]
    except (OSError, ValueError, KeyError):
        print("0 0 - - - - -")
        return
    print(s["ports"], s["with_rtp"], s["gap_p99_ms"], s["gap_max_ms"],
          s["delay_max_ms"], s["late40"], s["lost"])


def stat(f, col):
    best, idx = 0, None
    try:
        for line in open(f):
            p = line.strip().split(";")
            if idx is None:
                if col in p:
                    idx = p.index(col)
                continue
            try:
                best = max(best, int(float(p[idx])))
            except (ValueError, IndexError):
                pass
    except OSError:
        pass
    print(best)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"rtt": lambda: rtt(args), "onset": lambda: onset(*args),
     "rtp": lambda: rtp(*args), "stat": lambda: stat(*args)}[cmd]()
