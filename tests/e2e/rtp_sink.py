"""rtp_sink.py: receives RTP on 127.0.0.1 UDP ports for the e2e tests and writes JSON stats.

Usage: rtp_sink.py --port P [--count N] --out FILE [--ready FILE]
                   [--duration S] [--idle S] [--echo]

Binds N even ports P, P+2, ... (one per call).  Stops after --duration
seconds, after --idle seconds without packets once some arrived, or on
SIGTERM/SIGINT, and then writes FILE:

  {"ports": {"P": stats, ...}, "total": {"packets": n, "pps": x}}

stats: packets, payload_types {pt: count}, first/last (epoch s), duration,
pps (packets per second over the active period), seq_gaps (missing
packets), seq_dups, seq_reordered, ts_increments {delta: count} (between
consecutive sequence numbers), first_marker, markers, ssrcs, sources,
max_gap_ms (largest inter-arrival gap), non_rtp.

--echo: once RTP arrives on a port, send PCMU silence at 50 pps back to its
source (symmetric RTP), so the server sees the caller's media.
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import time


class PortStats:
    def __init__(self):
        self.packets = 0
        self.pts = {}
        self.first = self.last = None
        self.prev_seq = self.prev_ts = None
        self.seen = set()
        self.gaps = self.dups = self.reordered = 0
        self.ts_inc = {}
        self.first_marker = None
        self.markers = 0
        self.ssrcs = set()
        self.sources = set()
        self.max_gap = 0.0
        self.non_rtp = 0

    def add(self, data, src, now):
        if len(data) < 12 or data[0] >> 6 != 2:
            self.non_rtp += 1
            return
        b1 = data[1]
        pt, marker = b1 & 0x7F, bool(b1 & 0x80)
        seq, ts, ssrc = struct.unpack("!HII", data[2:12])
        if self.first is None:
            self.first = now
            self.first_marker = marker
        else:
            self.max_gap = max(self.max_gap, now - self.last)
        self.last = now
        self.packets += 1
        self.pts[pt] = self.pts.get(pt, 0) + 1
        self.markers += marker
        self.ssrcs.add(ssrc)
        self.sources.add("%s:%d" % src)
        key = (ssrc, seq)
        if key in self.seen:
            self.dups += 1
            return
        self.seen.add(key)
        if self.prev_seq is not None:
            d = (seq - self.prev_seq) & 0xFFFF
            if d == 0 or d > 0x8000:
                self.reordered += 1
                return
            self.gaps += d - 1
            if d == 1:
                inc = (ts - self.prev_ts) & 0xFFFFFFFF
                self.ts_inc[inc] = self.ts_inc.get(inc, 0) + 1
        self.prev_seq, self.prev_ts = seq, ts

    def to_json(self):
        dur = (self.last - self.first) if self.packets else 0.0
        return {
            "packets": self.packets,
            "payload_types": {str(k): v for k, v in sorted(self.pts.items())},
            "first": self.first,
            "last": self.last,
            "duration": dur,
            "pps": (self.packets - 1) / dur if dur > 0 else 0.0,
            "seq_gaps": self.gaps,
            "seq_dups": self.dups,
            "seq_reordered": self.reordered,
            "ts_increments": {str(k): v for k, v in sorted(self.ts_inc.items())},
            "first_marker": self.first_marker,
            "markers": self.markers,
            "ssrcs": len(self.ssrcs),
            "sources": sorted(self.sources),
            "max_gap_ms": round(self.max_gap * 1000, 1),
            "non_rtp": self.non_rtp,
        }


class Echo:
    """PCMU silence at 50 pps to the first source seen on a port (also
    used by bench/rtp_meter.py)."""

    def __init__(self, sock, dest):
        self.sock, self.dest = sock, dest
        self.seq, self.ts, self.ssrc = 1000, 8000, int.from_bytes(os.urandom(4), "big")
        self.next = time.monotonic()
        self.sent = 0

    def tick(self, now):
        while now >= self.next:
            hdr = struct.pack("!BBHII", 0x80, 0x80 if self.seq == 1000 else 0,
                              self.seq, self.ts, self.ssrc)
            try:
                self.sock.sendto(hdr + b"\xff" * 160, self.dest)
                self.sent += 1
            except OSError:
                pass
            self.seq = (self.seq + 1) & 0xFFFF
            self.ts = (self.ts + 160) & 0xFFFFFFFF
            self.next += 0.02
            if now - self.next > 0.2:     # we fell behind: do not burst
                self.next = now


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready")
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--idle", type=float, default=0)
    ap.add_argument("--echo", action="store_true")
    a = ap.parse_args()

    socks, stats, echoes = {}, {}, {}
    for i in range(a.count):
        port = a.port + 2 * i
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind(("127.0.0.1", port))
        socks[s] = port
        stats[port] = PortStats()

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    if a.ready:
        open(a.ready, "w").close()

    end = time.monotonic() + a.duration
    last_rx = None
    while not stop:
        now = time.monotonic()
        if now >= end or (a.idle and last_rx and now - last_rx > a.idle):
            break
        try:
            r, _, _ = select.select(list(socks), [], [], 0.005)
        except InterruptedError:
            continue
        wall = time.time()
        for s in r:
            try:
                data, src = s.recvfrom(4096)
            except OSError:
                continue
            last_rx = time.monotonic()
            port = socks[s]
            stats[port].add(data, src, wall)
            if a.echo and port not in echoes:
                echoes[port] = Echo(s, src)
        now = time.monotonic()
        for e in echoes.values():
            e.tick(now)

    ports = {str(p): st.to_json() for p, st in stats.items()}
    active = [p for p in ports.values() if p["packets"]]
    total = sum(p["packets"] for p in ports.values())
    span = (max(p["last"] for p in active) - min(p["first"] for p in active)) if active else 0
    out = {"ports": ports,
           "total": {"packets": total, "active_ports": len(active),
                     "pps": (total / span) if span > 0 else 0.0}}
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
    os.rename(tmp, a.out)


if __name__ == "__main__":
    main()
