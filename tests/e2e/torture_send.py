#!/usr/bin/python3
"""torture_send.py: sends the RFC 4475 messages of tests/e2e/torture/ to a
server and checks each answer against the index.

    torture_send.py HOST PORT [--dir DIR] [--only NAME...] [--json FILE]

Each message goes out on a fresh socket (UDP, or a TCP connection), with
@SENTBY@ (top Via) replaced by that socket's address and @CLEN@ by the
body's length, lines ending in CRLF.  The first final answer (1xx are
skipped) must carry the index's status; "none" means nothing may come back
within a second.  A fourth column "libre=CODE" is the answer we give where
libre's decoder cannot read a valid message (reported as such).  A 2xx to an INVITE is ACKed and the call ended with BYE
(which must get 200).  Prints one line per message and exits 1 if any
answer was not the expected one.
"""
import argparse, json, os, re, socket, sys, time

TIMEOUT = 3.0
NONE_WAIT = 1.0


def load(path, sentby):
    raw = open(path, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    raw = raw.replace(b"@SENTBY@", sentby.encode())
    head, sep, body = raw.partition(b"\r\n\r\n")
    if sep:
        head = head.replace(b"@CLEN@", str(len(body)).encode())
        body = body.replace(b"@CLEN@", b"0")
    return head + sep + body


class Conn:
    def __init__(self, host, port, tcp):
        self.tcp = tcp
        self.dst = (host, port)
        if tcp:
            self.s = socket.create_connection(self.dst, timeout=TIMEOUT)
        else:
            self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.s.bind((host, 0))
        self.buf = b""

    def sentby(self):
        h, p = self.s.getsockname()[:2]
        return "%s:%d" % (h, p)

    def send(self, data):
        if self.tcp:
            self.s.sendall(data)
        else:
            self.s.sendto(data, self.dst)

    def recv(self, timeout):
        """One SIP message (bytes) or None."""
        end = time.time() + timeout
        while True:
            if self.tcp:
                m = self._frame()
                if m is not None:
                    return m
            left = end - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                data = self.s.recv(65536)
            except (socket.timeout, BlockingIOError):
                return None
            except OSError:
                return None
            if not self.tcp:
                return data
            if not data:
                return None
            self.buf += data

    def _frame(self):
        while self.buf.startswith(b"\r\n"):
            self.buf = self.buf[2:]
        i = self.buf.find(b"\r\n\r\n")
        if i < 0:
            return None
        m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)", self.buf[:i])
        n = int(m.group(1)) if m else 0
        if len(self.buf) < i + 4 + n:
            return None
        msg, self.buf = self.buf[:i + 4 + n], self.buf[i + 4 + n:]
        return msg

    def close(self):
        self.s.close()


def status(msg):
    m = re.match(rb"SIP/2\.0 (\d{3}) ", msg or b"")
    return int(m.group(1)) if m else None


def header(msg, *names):
    for line in msg.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() in names:
            return v.strip().decode("utf-8", "replace")
    return ""


def final_answer(c, timeout):
    """(first final status, its message, every status seen)"""
    seen = []
    end = time.time() + timeout
    while time.time() < end:
        m = c.recv(end - time.time())
        if m is None:
            break
        code = status(m)
        if code is None:
            seen.append("request " + m.split(b" ")[0].decode("ascii", "replace"))
            continue
        seen.append(code)
        if code >= 200:
            return code, m, seen
    return None, None, seen


def hang_up(c, req, ok):
    """ACK the 2xx and send BYE; True if the BYE got 200."""
    to = header(ok, b"to", b"t")
    frm = header(req, b"from", b"f")
    cid = header(req, b"call-id", b"i")
    cseq = int(re.match(r"\s*(\d+)", header(req, b"cseq")).group(1))
    contact = re.search(r"<([^>]+)>", header(ok, b"contact", b"m"))
    ruri = contact.group(1) if contact else "sip:x@%s:%d" % c.dst
    tp = "TCP" if c.tcp else "UDP"

    def request(method, n, branch):
        return ("%s %s SIP/2.0\r\nVia: SIP/2.0/%s %s;branch=z9hG4bK%s\r\n"
                "Max-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
                "CSeq: %d %s\r\nContent-Length: 0\r\n\r\n" %
                (method, ruri, tp, c.sentby(), branch, frm, to, cid, n, method)).encode()
    c.send(request("ACK", cseq, "-torture-ack-%d" % cseq))
    c.send(request("BYE", cseq + 1, "-torture-bye-%d" % cseq))
    end = time.time() + TIMEOUT
    while time.time() < end:
        m = c.recv(end - time.time())
        if m is None:
            return False
        if status(m) == 200 and b"BYE" in header(m, b"cseq").encode():
            return True
    return False


def run_one(path, tp, want, host, port):
    c = Conn(host, port, tp == "tcp")
    try:
        req = load(path, c.sentby())
        c.send(req)
        if want == "none":
            m = c.recv(NONE_WAIT)
            return m is None, "nothing" if m is None else "got %r" % m[:40]
        code, msg, seen = final_answer(c, TIMEOUT)
        ok = str(code) == want
        note = "got %s (seen %s)" % (code, seen)
        if ok and code is not None and 200 <= code < 300 and req.startswith(b"INVITE "):
            if not hang_up(c, req, msg):
                return False, note + ", but BYE got no 200"
            note += ", hung up"
        return ok, note
    except OSError as e:
        return False, "socket error %s" % e
    finally:
        c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "torture"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--json")
    a = ap.parse_args()
    results, bad = [], 0
    for line in open(os.path.join(a.dir, "index")):
        line = line.split("#")[0].split()
        if not line:
            continue
        name, tp, want = line[:3]
        known = line[3][len("libre="):] if len(line) > 3 and line[3].startswith("libre=") else None
        if a.only and not any(name.startswith(o) for o in a.only):
            continue
        ok, note = run_one(os.path.join(a.dir, name), tp, known or want, a.host, a.port)
        if known:
            note += " (RFC: %s; libre's decoder cannot read it: %s is what we can do)" % (want, known)
        bad += not ok
        print("%s %-26s %s want %-4s %s" % ("ok  " if ok else "FAIL", name, tp, want, note))
        results.append({"name": name, "transport": tp, "want": want, "ok": ok, "note": note})
        sys.stdout.flush()
    if a.json:
        json.dump(results, open(a.json, "w"), indent=1)
    print("%d of %d as expected" % (len(results) - bad, len(results)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
