"""rtp_meter.py: the benchmark's RTP receiver: timing of a sample of calls, a sink for the rest.

Usage: rtp_meter.py --port P --count S --blackhole B --out FILE
                    [--ready FILE] [--duration SECS] [--no-echo]

Sample: S even ports P, P+2, ... (one call each) are read; per port it
records packets, lost packets (sequence gaps), the largest inter-arrival
gap, and lateness: packet k (k counted from the call's first sequence
number) is due at first_best + k * 20 ms, where first_best is the earliest
such schedule the call's packets allow (the best-case clock of the call);
a packet arriving more than 20 ms after its due time is late.  Each sampled
port also sends PCMU silence at 50 pps back to its source (symmetric RTP),
so the server receives as well, unless --no-echo.

Blackhole: port B is bound with a tiny receive buffer and never read: the
other calls' RTP goes there, so the server pays the full cost of sending
while the meter pays nothing (the kernel drops what overflows).

Stops after --duration seconds or on SIGTERM/SIGINT and writes FILE:
  {"ports": {"P": {"packets", "pps", "lost", "max_gap_ms", "late",
                   "delay_p99_ms", "late_from_s", "late_to_s",
                   "delay_by_s" (worst delay in each second, ms), "echoed"}, ...}}
"""
import argparse
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "e2e"))
from rtp_sink import Echo  # noqa: E402  (PCMU silence back to the server)

FRAME = 0.020


class Call:
    def __init__(self):
        self.arrivals = []      # (unwrapped seq, arrival time)
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
            self.max_gap = max(self.max_gap, now - self.arrivals[-1][1])
        self.arrivals.append((k, now))

    def to_json(self):
        n = len(self.arrivals)
        if n < 2:
            return {"packets": n, "pps": 0.0, "lost": 0, "max_gap_ms": 0.0,
                    "late": 0, "delay_p99_ms": 0.0}
        span = self.arrivals[-1][1] - self.arrivals[0][1]
        offs = [t - k * FRAME for k, t in self.arrivals]
        base = min(offs)
        t0 = self.arrivals[0][1]
        late_at = [t - t0 for (k, t), o in zip(self.arrivals, offs) if o - base > FRAME]
        delays = sorted(o - base for o in offs)
        return {
            "packets": n,
            "pps": (n - 1) / span if span > 0 else 0.0,
            "lost": self.arrivals[-1][0] + 1 - n,
            "max_gap_ms": round(self.max_gap * 1000, 1),
            "late": sum(1 for d in delays if d > FRAME),
            "delay_p99_ms": round(delays[int(0.99 * (n - 1))] * 1000, 1),
            "late_from_s": round(late_at[0], 1) if late_at else None,
            "late_to_s": round(late_at[-1], 1) if late_at else None,
            "delay_by_s": per_second(self.arrivals, offs, base),
        }


def per_second(arrivals, offs, base):
    """Largest delay (ms) behind the best-case clock in each second of the call."""
    t0, out = arrivals[0][1], []
    for (k, t), o in zip(arrivals, offs):
        i = int(t - t0)
        while len(out) <= i:
            out.append(0.0)
        out[i] = max(out[i], round((o - base) * 1000, 1))
    return out


def bind(port, rcvbuf):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind(("127.0.0.1", port))
    s.setblocking(False)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--blackhole", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready")
    ap.add_argument("--duration", type=float, default=120)
    ap.add_argument("--no-echo", action="store_true")
    a = ap.parse_args()

    sel = selectors.DefaultSelector()
    calls, echoes = {}, {}
    for i in range(a.count):
        port = a.port + 2 * i
        s = bind(port, 1 << 18)
        sel.register(s, selectors.EVENT_READ, port)
        calls[port] = Call()
    blackhole = bind(a.blackhole, 1)   # the kernel rounds it up to its minimum

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    if a.ready:
        open(a.ready, "w").close()

    end = time.monotonic() + a.duration
    while not stop and time.monotonic() < end:
        try:
            events = sel.select(0.004)
        except InterruptedError:
            continue
        now = time.monotonic()
        for key, _ in events:
            s, port = key.fileobj, key.data
            for _ in range(64):
                try:
                    data, src = s.recvfrom(2048)
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    break
                calls[port].add(data, now)
                if not a.no_echo and port not in echoes:
                    echoes[port] = Echo(s, src)
        now = time.monotonic()
        for e in echoes.values():
            e.tick(now)

    out = {"ports": {}}
    for port, c in calls.items():
        st = c.to_json()
        st["echoed"] = echoes[port].sent if port in echoes else 0
        out["ports"][str(port)] = st
    blackhole.close()
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
    os.rename(tmp, a.out)


if __name__ == "__main__":
    main()
