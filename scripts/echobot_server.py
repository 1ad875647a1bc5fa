#!/usr/bin/python3
"""echobot_server.py: a tiny WebSocket server for startListen (stdlib only).

  /usr/bin/python3 echobot_server.py [--host 127.0.0.1] [--port 8765]
                                     [--delay 1.0] [--mark-every 2.0]

The echo bot: every call's first text frame (JSON, "type": "start") says
its rate and channels; the caller's audio (binary frames, L16 little-endian,
20 ms each) is sent back `--delay` seconds later (the left channel of a
stereo stream), and every `--mark-every` seconds of echoed audio a
{"type": "mark", "name": "echo-N"} follows, which the server reports to the
script as onListenMark("echo-N") once the caller heard up to there.  A "#"
key (a {"type": "dtmf"} frame) sends {"type": "clear"} (barge-in); any
other text frame is answered with {"type": "echo", "text": ...}.

The WebSocket code (WSConn: the handshake, reading and writing frames) is
reusable: the e2e tests build their test servers on it.  Point startListen
at a real recogniser instead by writing a handler like EchoBot.run that
forwards the binary frames to it and sends its results back as text.
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Closed(Exception):
    pass


class WSConn:
    """One server-side WebSocket connection on a blocking socket."""

    def __init__(self, sock):
        self.sock = sock
        self.lock = threading.Lock()     # writers: several threads
        self.buf = b""
        self.path = "/"
        self.headers = {}

    def _read(self, n):
        while len(self.buf) < n:
            d = self.sock.recv(65536)
            if not d:
                raise Closed("peer closed")
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def handshake(self):
        while b"\r\n\r\n" not in self.buf:
            d = self.sock.recv(4096)
            if not d:
                raise Closed("closed in handshake")
            self.buf += d
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.path = lines[0].split(" ")[1] if " " in lines[0] else "/"
        for l in lines[1:]:
            k, _, v = l.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        key = self.headers.get("sec-websocket-key", "").encode()
        acc = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
        self.sock.sendall(("HTTP/1.1 101 Switching Protocols\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: %s\r\n\r\n" % acc).encode())

    def recv(self):
        """(opcode, payload, fin) of the next frame; pings are answered."""
        while True:
            b0, b1 = self._read(2)
            op, fin, n = b0 & 0x0F, bool(b0 & 0x80), b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(c ^ mask[i % 4] for i, c in enumerate(data)) \
                    if n < 64 else _unmask(data, mask)
            if op == 9:
                self.send(10, data)
                continue
            if op == 8:
                try:
                    self.send(8, data[:2])
                except OSError:
                    pass
                raise Closed("close frame %s" % (struct.unpack("!H", data[:2])[0] if len(data) >= 2 else ""))
            return op, data, fin

    def send(self, op, data):
        if isinstance(data, str):
            data = data.encode()
        n = len(data)
        if n < 126:
            hdr = struct.pack("!BB", 0x80 | op, n)
        elif n < 65536:
            hdr = struct.pack("!BBH", 0x80 | op, 126, n)
        else:
            hdr = struct.pack("!BBQ", 0x80 | op, 127, n)
        with self.lock:
            self.sock.sendall(hdr + data)

    def send_text(self, obj):
        self.send(1, obj if isinstance(obj, str) else json.dumps(obj))

    def close(self, code=1000):
        try:
            self.send(8, struct.pack("!H", code))
        except OSError:
            pass


def _unmask(data, mask):
    m = int.from_bytes((mask * (len(data) // 4 + 1))[:len(data)], "big")
    return (int.from_bytes(data, "big") ^ m).to_bytes(len(data), "big")


def serve(host, port, handler, ready=None):
    """Accepts connections forever, handler(WSConn) on a thread each."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(256)
    if ready:
        with open(ready, "w") as f:
            f.write("%d\n" % os.getpid())

    def run(s):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c = WSConn(s)
        try:
            c.handshake()
            handler(c)
        except (Closed, OSError):
            pass
        finally:
            s.close()

    while True:
        s, _ = ls.accept()
        threading.Thread(target=run, args=(s,), daemon=True).start()


class EchoBot:
    def __init__(self, delay, mark_every):
        self.delay = delay
        self.mark_every = mark_every

    def run(self, c):
        op, data, _ = c.recv()
        start = json.loads(data) if op == 1 else {}
        print("call %s: %s Hz, %s channel(s), metadata %s" % (
            start.get("call_id"), start.get("rate"), start.get("channels"),
            json.dumps(start.get("metadata"))), flush=True)
        channels = int(start.get("channels", 1))
        frame = int(start.get("rate", 8000)) // 50 * 2   # bytes, mono
        queue, cv = [], threading.Condition()
        done = []

        def sender():
            sent = 0
            while not done:
                with cv:
                    while not queue and not done:
                        cv.wait(0.5)
                    if done:
                        return
                    t, pcm = queue.pop(0)
                time.sleep(max(0.0, t + self.delay - time.time()))
                try:
                    c.send(2, pcm)
                    sent += 1
                    if sent % int(self.mark_every * 50) == 0:
                        c.send_text({"type": "mark", "name": "echo-%d" % (sent // 50)})
                except OSError:
                    return

        threading.Thread(target=sender, daemon=True).start()
        try:
            while True:
                op, data, _ = c.recv()
                if op == 2:
                    if channels == 2:      # the caller: left channel
                        data = b"".join(data[i:i + 2] for i in range(0, len(data), 4))
                    with cv:
                        queue.append((time.time(), data[:frame]))
                        cv.notify()
                elif op == 1:
                    msg = json.loads(data) if data[:1] == b"{" else {"text": data.decode()}
                    if msg.get("type") == "dtmf":
                        print("key %s" % msg.get("digit"), flush=True)
                        if msg.get("digit") == "#":
                            with cv:
                                queue.clear()
                            c.send_text({"type": "clear"})
                    else:
                        c.send_text({"type": "echo", "text": data.decode()})
        finally:
            done.append(1)
            with cv:
                cv.notify()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("--mark-every", type=float, default=2.0)
    ap.add_argument("--ready")
    a = ap.parse_args()
    serve(a.host, a.port, EchoBot(a.delay, a.mark_every).run, a.ready)


if __name__ == "__main__":
    main()
