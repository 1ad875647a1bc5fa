"""ws_test_server.py: the WebSocket server of the startListen e2e tests (110-119).

Usage: ws_test_server.py --port P --out FILE --ready FILE [--mode MODE ...]

Built on scripts/echobot_server.py's WSConn.  Per connection it writes JSON
lines to FILE: {"ev": "start", "msg": <the start frame>}, one
{"ev": "audio", "t", "n"} per binary frame (arrival time, bytes),
{"ev": "text", "text"} for other text frames, {"ev": "end", "why"}; and
the caller's audio to FILE-<k>.wav (k: connection number; the first
channel, at the stream's rate; the second of a stereo stream in
FILE-<k>-right.wav).  Modes (what the server does besides):

  record              nothing else
  tone:HZ:MS          after the start frame, MS ms of a HZ sine at the
                      stream's rate, in 20 ms frames at real time, then
                      {"type": "mark", "name": "tone-end"}
  burst:HZ:MS:CLEARMS MS ms of the sine at once, then after CLEARMS ms
                      {"type": "clear"} (logged {"ev": "clear", "t"}) and a
                      mark "after-clear"
  echo-text           answers each text frame {"type": "echo", "text"}
  die:MS              the process exits MS ms after the start frame
  garbage             sends bytes that are no WebSocket frame
  oversize            sends one 200000-byte binary frame
  nohandshake         answers the HTTP request with garbage, no 101
  quiet               no audio lines and no WAV: the end line has "frames"
                      and "max_gap_ms" (for many calls at once)
"""
import argparse
import json
import math
import os
import struct
import sys
import threading
import time
import wave

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from echobot_server import Closed, WSConn, serve  # noqa: E402

lock = threading.Lock()
count = [0]


def log(out, **kw):
    with lock, open(out, "a") as f:
        f.write(json.dumps(kw) + "\n")


def sine(hz, rate, ms, amp=8000):
    n = rate * ms // 1000
    return struct.pack("<%dh" % n, *(int(amp * math.sin(2 * math.pi * hz * i / rate)) for i in range(n)))


def handler(args):
    def run(c):
        with lock:
            count[0] += 1
            k = count[0]
        mode = args.mode.split(":")
        op, data, _ = c.recv()
        start = json.loads(data)
        log(args.out, ev="start", msg=start, k=k, t=time.time())
        rate, ch = start["rate"], start["channels"]
        quiet = mode[0] == "quiet"
        frames, prev, max_gap = 0, None, 0.0
        w = wave.open("%s-%d.wav" % (args.out, k), "wb") if not quiet else None
        wr = wave.open("%s-%d-right.wav" % (args.out, k), "wb") if ch == 2 and not quiet else None
        for x in (w, wr):
            if x:
                x.setnchannels(1)
                x.setsampwidth(2)
                x.setframerate(rate)

        def talk():
            try:
                if mode[0] == "tone":
                    pcm = sine(float(mode[1]), rate, int(mode[2]))
                    fb = rate // 50 * 2
                    t0 = time.time()
                    for i in range(0, len(pcm), fb):
                        c.send(2, pcm[i:i + fb])
                        time.sleep(max(0, t0 + (i // fb + 1) * 0.02 - time.time()))
                    c.send_text({"type": "mark", "name": "tone-end"})
                    log(args.out, ev="sent-mark", t=time.time())
                elif mode[0] == "burst":
                    c.send(2, sine(float(mode[1]), rate, int(mode[2])))
                    time.sleep(int(mode[3]) / 1000)
                    log(args.out, ev="clear", t=time.time())
                    c.send_text({"type": "clear"})
                    c.send_text({"type": "mark", "name": "after-clear"})
                elif mode[0] == "die":
                    time.sleep(int(mode[1]) / 1000)
                    log(args.out, ev="die", t=time.time())
                    os._exit(0)
                elif mode[0] == "oversize":
                    c.send(2, b"\0" * 200000)
                elif mode[0] == "garbage":
                    time.sleep(0.5)     # a frame of reserved opcode 15
                    c.sock.sendall(b"\x8f\x05hello" + os.urandom(16))
            except OSError:
                pass

        threading.Thread(target=talk, daemon=True).start()
        why = "?"
        try:
            while True:
                op, data, _ = c.recv()
                if op == 2 and quiet:
                    now = time.time()
                    if prev is not None:
                        max_gap = max(max_gap, now - prev)
                    prev = now
                    frames += 1
                elif op == 2:
                    log(args.out, ev="audio", t=time.time(), n=len(data), k=k)
                    if ch == 2:
                        wr.writeframes(b"".join(data[i + 2:i + 4] for i in range(0, len(data), 4)))
                        data = b"".join(data[i:i + 2] for i in range(0, len(data), 4))
                    w.writeframes(data)
                else:
                    log(args.out, ev="text", text=data.decode(), k=k, t=time.time())
                    if mode[0] == "echo-text":
                        c.send_text({"type": "echo", "text": data.decode()})
        except Closed as e:
            why = str(e)
        except OSError as e:
            why = repr(e)
        finally:
            for x in (w, wr):
                if x:
                    x.close()
            log(args.out, ev="end", why=why, k=k, t=time.time(), frames=frames,
                max_gap_ms=round(max_gap * 1000, 1))
    return run


def nohandshake(args):
    import socket
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", args.port))
    ls.listen(16)
    open(args.ready, "w").write("%d\n" % os.getpid())
    while True:
        s, _ = ls.accept()
        s.recv(4096)
        s.sendall(b"SSH-2.0-nope\r\n\r\n" + os.urandom(32))
        time.sleep(0.5)
        s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--mode", default="record")
    args = ap.parse_args()
    if args.mode == "nohandshake":
        nohandshake(args)
    serve("127.0.0.1", args.port, handler(args), args.ready)


if __name__ == "__main__":
    main()
