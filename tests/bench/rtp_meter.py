"""rtp_meter.py: the benchmark's RTP receiver: timing of a sample of calls, a sink for the rest.

Usage: rtp_meter.py --port P --count S --blackhole B --out FILE
                    [--ready FILE] [--duration SECS] [--no-echo] [--talk WAV]
                    [--onset]

Sample: S even ports P, P+2, ... (one call each) are read; per port it
records packets, lost packets (sequence gaps), the inter-arrival gaps
(their 99th percentile and the largest), and the delay of each packet
behind the call's best-case clock: packet k (k counted from the call's
first sequence number) is due at first_best + k * 20 ms, where first_best
is the earliest such schedule the call's packets allow; "late" counts the
packets more than 20 ms behind it, "late40" those more than 40 ms behind
(what a 40 ms jitter buffer would lose).  Each sampled port also sends
PCMU at 50 pps back to its source (symmetric RTP: the measured callers
talk too), WAV (8 kHz mono PCM16) looped with --talk, else silence;
--no-echo: it only listens.

--onset (the blocking-script step): the ports are a pool shared by calls
one after another; the packets are split by SSRC, one segment per call,
and each segment records the wall-clock time (epoch s) of its first packet
and of its first non-silent one (decoded PCMU mean |x| > 300): when the
caller first hears the script's tone.

Blackhole: port B is bound with a tiny receive buffer and never read: the
other calls' RTP goes there (until the server learns the caller's own
source from its RTP), so the meter pays nothing for it.

Arrival times are the kernel's receive timestamps (SO_TIMESTAMPNS), so the
meter's own scheduling delays (it shares the cores with the server and
sipp) are not counted against the server.

Stops after --duration seconds or on SIGTERM/SIGINT and writes FILE:
  {"ports": {"P": {"packets", "pps", "lost", "max_gap_ms", "gap_p99_ms",
                   "late", "late40", "delay_p99_ms", "delay_max_ms",
                   "late_from_s", "late_to_s", "delay_by_s", "echoed"}, ...},
   "summary": {"ports", "with_rtp", "packets", "lost", "gap_p99_ms" (all
               measured calls' gaps together), "gap_max_ms", "delay_max_ms",
               "late40"}}
or with --onset {"ports": {"P": [{"ssrc", "first", "onset", "packets"}, ...]}}.
"""
import argparse
import json
import math
import os
import selectors
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
from rtp_sink import Echo, ULAW, wav_to_pcmu_frames  # noqa: E402

FRAME = 0.020
LOUD = 300          # mean |sample| of a 20 ms PCMU frame that is not silence
ABS_ULAW = [abs(v) for v in ULAW]


class Call:
    def __init__(self):
        self.arrivals = []      # (unwrapped seq, arrival time)
        self.gaps = []
        self.first_seq = None
        self.last_seq = None
        self.max_gap = 0.0
        self.dups = 0

    def add(self, data, now):
        if len(data) < 12 or data[0] >> 6 != 2:
            return
        seq = struct.unpack("!H", data[2:4])[0]
        if self.first_seq is None:
            self.first_seq = self.last_seq = seq
            k = 0
        else:
            d = (seq - (self.last_seq & 0xFFFF)) & 0xFFFF
            if d == 0 or d > 0x8000:
                self.dups += 1
                return
            self.last_seq += d
            k = self.last_seq - self.first_seq
            gap = now - self.arrivals[-1][1]
            self.gaps.append(gap)
            self.max_gap = max(self.max_gap, gap)
        self.arrivals.append((k, now))

    def to_json(self):
        n = len(self.arrivals)
        if n < 2:
            return {"packets": n, "pps": 0.0, "lost": 0, "max_gap_ms": 0.0,
                    "gap_p99_ms": 0.0, "late": 0, "late40": 0,
                    "delay_p99_ms": 0.0, "delay_max_ms": 0.0}
        span = self.arrivals[-1][1] - self.arrivals[0][1]
        offs = [t - k * FRAME for k, t in self.arrivals]
        base = min(offs)
        t0 = self.arrivals[0][1]
        late_at = [t - t0 for (k, t), o in zip(self.arrivals, offs) if o - base > FRAME]
        delays = sorted(o - base for o in offs)
        gaps = sorted(self.gaps)
        return {
            "packets": n,
            "pps": (n - 1) / span if span > 0 else 0.0,
            "lost": self.arrivals[-1][0] + 1 - n,
            "max_gap_ms": round(self.max_gap * 1000, 1),
            "gap_p99_ms": round(pct(gaps, 99) * 1000, 1),
            "late": sum(1 for d in delays if d > FRAME),
            "late40": sum(1 for d in delays if d > 2 * FRAME),
            "delay_p99_ms": round(pct(delays, 99) * 1000, 1),
            "delay_max_ms": round(delays[-1] * 1000, 1),
            "late_from_s": round(late_at[0], 1) if late_at else None,
            "late_to_s": round(late_at[-1], 1) if late_at else None,
            "delay_by_s": per_second(self.arrivals, offs, base),
        }


def pct(sorted_values, p):
    """p-th percentile (nearest rank) of a sorted list; 0 if empty."""
    if not sorted_values:
        return 0.0
    i = max(0, math.ceil(p / 100.0 * len(sorted_values)) - 1)
    return sorted_values[i]


def per_second(arrivals, offs, base):
    """Largest delay (ms) behind the best-case clock in each second of the call."""
    t0, out = arrivals[0][1], []
    for (k, t), o in zip(arrivals, offs):
        i = int(t - t0)
        while len(out) <= i:
            out.append(0.0)
        out[i] = max(out[i], round((o - base) * 1000, 1))
    return out


class Onsets:
    """One port of the pool: a segment per SSRC (per call)."""

    def __init__(self):
        self.segs = []
        self.by_ssrc = {}

    def add(self, data, wall):
        if len(data) < 12 + 80 or data[0] >> 6 != 2:
            return
        ssrc = struct.unpack("!I", data[8:12])[0]
        seg = self.by_ssrc.get(ssrc)
        if seg is None:
            seg = self.by_ssrc[ssrc] = {"ssrc": ssrc, "first": wall,
                                        "onset": None, "packets": 0}
            self.segs.append(seg)
        seg["packets"] += 1
        if seg["onset"] is None and data[1] & 0x7F == 0:
            body = data[12 + (data[0] & 0x0F) * 4:]
            if body and sum(ABS_ULAW[b] for b in body) / len(body) > LOUD:
                seg["onset"] = wall


SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)     # Linux
TS = struct.Struct("qq")                                   # struct timespec


def bind(port, rcvbuf):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind(("127.0.0.1", port))
    s.setblocking(False)
    return s


def summary(ports):
    got = [p for p in ports.values() if p["packets"] > 1]
    out = {"ports": len(ports), "with_rtp": len(got),
           "packets": sum(p["packets"] for p in got),
           "lost": sum(p["lost"] for p in got),
           "gap_max_ms": max([p["max_gap_ms"] for p in got] or [0]),
           "delay_max_ms": max([p["delay_max_ms"] for p in got] or [0]),
           "late40": sum(p["late40"] for p in got)}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--blackhole", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready")
    ap.add_argument("--duration", type=float, default=120)
    ap.add_argument("--no-echo", action="store_true")
    ap.add_argument("--talk")
    ap.add_argument("--onset", action="store_true")
    a = ap.parse_args()

    frames = []
    if a.talk and not a.no_echo:
        one = wav_to_pcmu_frames(a.talk)
        frames = one * (int(a.duration / (len(one) * FRAME)) + 1)
    sel = selectors.DefaultSelector()
    calls, echoes = {}, {}
    for i in range(a.count):
        port = a.port + 2 * i
        s = bind(port, 1 << 18)
        sel.register(s, selectors.EVENT_READ, port)
        calls[port] = Onsets() if a.onset else Call()
    blackhole = bind(a.blackhole, 1)   # the kernel rounds it up to its minimum

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    if a.ready:
        open(a.ready, "w").close()

    echo = not a.no_echo and not a.onset
    end = time.monotonic() + a.duration
    while not stop and time.monotonic() < end:
        try:
            events = sel.select(0.004)
        except InterruptedError:
            continue
        for key, _ in events:
            s, port = key.fileobj, key.data
            for _ in range(64):
                try:
                    data, anc, _, src = s.recvmsg(2048, 64)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    break
                # the kernel's arrival time (CLOCK_REALTIME), not when the
                # meter got round to reading: the meter's own scheduling
                # (it shares the cores) stays out of the figures
                wall = None
                for level, kind, cdata in anc:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                        sec, nsec = TS.unpack(cdata[:TS.size])
                        wall = sec + nsec * 1e-9
                if wall is None:
                    wall = time.time()
                calls[port].add(data, wall)
                if a.onset:
                    continue
                if echo and port not in echoes:
                    echoes[port] = Echo(s, src, frames)
        if echoes:
            now = time.monotonic()
            for e in echoes.values():
                e.tick(now)

    if a.onset:
        out = {"ports": {str(p): c.segs for p, c in calls.items()}}
    else:
        out = {"ports": {}}
        gaps = []
        for port, c in calls.items():
            st = c.to_json()
            st["echoed"] = echoes[port].sent if port in echoes else 0
            out["ports"][str(port)] = st
            gaps.extend(c.gaps)
        gaps.sort()
        out["summary"] = summary(out["ports"])
        out["summary"]["gap_p99_ms"] = round(pct(gaps, 99) * 1000, 1)
    blackhole.close()
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
    os.rename(tmp, a.out)


if __name__ == "__main__":
    main()
