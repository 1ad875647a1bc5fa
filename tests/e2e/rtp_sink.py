"""rtp_sink.py: receives RTP on 127.0.0.1 UDP ports for the e2e tests and writes JSON stats.

Usage: rtp_sink.py --port P [--count N] --out FILE [--ready FILE]
                   [--duration S] [--idle S] [--echo] [--send WAV] [--save FILE]

Binds N even ports P, P+2, ... (one per call).  Stops after --duration
seconds, after --idle seconds without packets once some arrived, or on
SIGTERM/SIGINT, and then writes FILE:

  {"ports": {"P": stats, ...}, "total": {"packets": n, "pps": x}}

stats: packets, payload_types {pt: count}, first/last (epoch s), duration,
pps (packets per second over the active period), seq_gaps (missing
packets), seq_dups, seq_reordered, ts_increments {delta: count} (between
consecutive sequence numbers), first_marker, markers, ssrcs, sources,
by_source ({"ip:port": {packets, first, last}}), max_gap_ms (largest inter-arrival gap), non_rtp; and, for the audio:
rms (of all PCMU/PCMA payloads decoded), loud_first/loud_last (epoch s of
the first/last packet whose decoded RMS exceeds 300, or null), and events:
the RFC 4733 telephone-events received (PT 101), one per event timestamp
in arrival order: {"key", "end" (an end packet was seen), "duration" (ms,
largest seen), "first"/"last" (epoch s), "packets", "end_packets"}.

--echo: once RTP arrives on a port, send PCMU silence at 50 pps back to its
source (symmetric RTP), so the server sees the caller's media.
--send WAV: like --echo, but first the audio of WAV (8 kHz mono PCM16),
encoded PCMU in 20 ms packets at 50 pps, then silence.
--send-pcma: with --send/--echo, send A-law (PT 8) instead of u-law.
--to IP:PORT: with --send/--echo, send from the first port to IP:PORT
right from the start instead of to the first source (a phone that sends
where an SDP told it to, e.g. the other phone of an end-to-end B2BUA).
--save FILE: write the PCMU/PCMA audio received as an 8 kHz mono PCM16
WAV (in arrival order); with --count > 1, FILE gets "-PORT" before ".wav".
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import time
import wave


def _ulaw_decode(b):
    b = ~b & 0xFF
    t = (((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if b & 0x80 else (t - 0x84)


def _alaw_decode(b):
    b ^= 0x55
    t = (b & 0x0F) << 4
    seg = (b & 0x70) >> 4
    t = t + 8 if seg == 0 else ((t + 0x108) << (seg - 1))
    return t if b & 0x80 else -t


ULAW = [_ulaw_decode(i) for i in range(256)]
ALAW = [_alaw_decode(i) for i in range(256)]


def ulaw_encode(x):
    """One 16-bit linear sample to u-law (G.711)."""
    sign = 0x80 if x < 0 else 0
    x = min(abs(x), 32635) + 0x84
    exp, m = 7, 0x4000
    while exp > 0 and not x & m:
        exp -= 1
        m >>= 1
    return ~(sign | (exp << 4) | ((x >> (exp + 3)) & 0x0F)) & 0xFF


def alaw_encode(x):
    """One 16-bit linear sample to A-law (G.711)."""
    sign = 0x80 if x >= 0 else 0
    if x < 0:
        x = -x - 1
    x = min(x, 32767) >> 3
    if x < 32:
        b = x >> 1
    else:
        seg = 1
        while x >= 64 and seg < 7:
            x >>= 1
            seg += 1
        b = (seg << 4) | ((x >> 1) & 0x0F)
    return (b | sign) ^ 0x55


def wav_to_pcmu_frames(path):
    """20 ms PCMU payloads (160 bytes) of an 8 kHz mono PCM16 WAV."""
    w = wave.open(path)
    if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (8000, 1, 2):
        raise SystemExit("--send %s: want 8 kHz mono PCM16" % path)
    raw = w.readframes(w.getnframes())
    w.close()
    n = len(raw) // 2
    pcm = struct.unpack("<%dh" % n, raw[:2 * n])
    enc = bytes(ulaw_encode(v) for v in pcm)
    enc += b"\xff" * (-len(enc) % 160)
    return [enc[i:i + 160] for i in range(0, len(enc), 160)]


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
        self.by_source = {}
        self.max_gap = 0.0
        self.non_rtp = 0
        self.sq = 0.0
        self.samples = 0
        self.loud_first = self.loud_last = None
        self.pcm = []            # decoded samples (lists), for --save
        self.events = []
        self.event_by_ts = {}

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
        bs = self.by_source.setdefault("%s:%d" % src,
                                       {"packets": 0, "first": now})
        bs["packets"] += 1
        bs["last"] = now
        self.payload(pt, ts, data[12 + 4 * (data[0] & 0x0F):], now)
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

    def payload(self, pt, ts, body, now):
        if pt in (0, 8):
            table = ULAW if pt == 0 else ALAW
            pcm = [table[b] for b in body]
            sq = sum(v * v for v in pcm)
            self.sq += sq
            self.samples += len(pcm)
            self.pcm.append(pcm)
            if pcm and (sq / len(pcm)) ** 0.5 > 300:
                if self.loud_first is None:
                    self.loud_first = now
                self.loud_last = now
        elif pt == 101 and len(body) >= 4:
            ev, flags, dur = struct.unpack("!BBH", body[:4])
            e = self.event_by_ts.get(ts)
            if e is None:
                e = {"key": ev, "end": False, "duration": 0, "first": now,
                     "packets": 0, "end_packets": 0}
                self.event_by_ts[ts] = e
                self.events.append(e)
            e["last"] = now
            e["packets"] += 1
            e["duration"] = max(e["duration"], dur // 8)   # 8 kHz clock
            if flags & 0x80:
                e["end"] = True
                e["end_packets"] += 1

    def save(self, path):
        w = wave.open(path, "wb")
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        for pcm in self.pcm:
            w.writeframes(struct.pack("<%dh" % len(pcm), *pcm))
        w.close()

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
            "by_source": self.by_source,
            "max_gap_ms": round(self.max_gap * 1000, 1),
            "non_rtp": self.non_rtp,
            "rms": (self.sq / self.samples) ** 0.5 if self.samples else 0.0,
            "audio_seconds": self.samples / 8000.0,
            "loud_first": self.loud_first,
            "loud_last": self.loud_last,
            "events": self.events,
        }


class Echo:
    """PCMU silence at 50 pps to the first source seen on a port (also
    used by tests/bench/rtp_meter.py); with frames, those 160-byte payloads first."""

    def __init__(self, sock, dest, frames=None, pt=0):
        self.sock, self.dest, self.pt = sock, dest, pt
        self.silence = b"\xd5" * 160 if pt == 8 else b"\xff" * 160
        self.frames = list(frames or [])
        self.frames.reverse()
        self.seq, self.ts, self.ssrc = 1000, 8000, int.from_bytes(os.urandom(4), "big")
        self.next = time.monotonic()
        self.sent = 0

    def tick(self, now):
        while now >= self.next:
            hdr = struct.pack("!BBHII", 0x80,
                              (0x80 if self.seq == 1000 else 0) | self.pt,
                              self.seq, self.ts, self.ssrc)
            try:
                self.sock.sendto(hdr + (self.frames.pop() if self.frames else self.silence),
                                 self.dest)
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
    ap.add_argument("--send")
    ap.add_argument("--save")
    ap.add_argument("--send-pcma", action="store_true")
    ap.add_argument("--to")
    a = ap.parse_args()
    frames = wav_to_pcmu_frames(a.send) if a.send else None
    if frames and a.send_pcma:     # u-law frames re-encoded as A-law
        frames = [bytes(alaw_encode(ULAW[b]) for b in f) for f in frames]

    socks, stats, echoes = {}, {}, {}
    for i in range(a.count):
        port = a.port + 2 * i
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind(("127.0.0.1", port))
        socks[s] = port
        stats[port] = PortStats()

    if a.to and (a.echo or frames):
        host, _, port = a.to.rpartition(":")
        first = min(socks, key=lambda s: socks[s])
        echoes[socks[first]] = Echo(first, (host, int(port)), frames,
                                    8 if a.send_pcma else 0)

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
            if (a.echo or frames) and port not in echoes:
                echoes[port] = Echo(s, src, frames, 8 if a.send_pcma else 0)
        now = time.monotonic()
        for e in echoes.values():
            e.tick(now)

    if a.save:
        for p, st in stats.items():
            st.save(a.save if a.count == 1 else
                    "%s-%d.wav" % (a.save[:-4] if a.save.endswith(".wav") else a.save, p))
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
