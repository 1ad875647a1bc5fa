#!/usr/bin/env python3
"""tcp_flood.py: holds many idle TCP connections to a server (e2e 105).

    tcp_flood.py OUT.json STOP_FILE HOST:PORT:N [HOST:PORT:N ...]

Opens N connections to each HOST:PORT (nothing is sent on them), then
watches them for WATCH seconds (3): a connection the server closed (EOF or
reset) counts as refused.  Writes OUT.json:
  {"ports": {}, "targets": {"HOST:PORT": {"opened": n, "failed": n,
                                          "refused": n, "open": n}}}
("ports" is empty, for lib.sh's e2e_check)
then keeps the open ones until STOP_FILE exists (at most 60 s), closes them
and exits 0.  A connect() that fails or times out counts as "failed".
"""
import json
import os
import select
import socket
import sys
import time

WATCH = 3.0


def open_all(host, port, n):
    socks, failed = [], 0
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(3.0)   # a SYN dropped while the backlog is full is sent again after 1 s
        try:
            s.connect((host, port))
        except OSError:
            failed += 1
            s.close()
            continue
        s.setblocking(False)
        socks.append(s)
    return socks, failed


def closed_by_peer(s):
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:              # reset
        return True


def main():
    out, stop = sys.argv[1], sys.argv[2]
    targets = {}
    for spec in sys.argv[3:]:
        host, port, n = spec.rsplit(":", 2)
        socks, failed = open_all(host, int(port), int(n))
        targets[f"{host}:{port}"] = {"socks": socks, "failed": failed,
                                     "closed": set()}
    end = time.monotonic() + WATCH
    while time.monotonic() < end:
        live = [s for t in targets.values() for s in t["socks"]
                if s not in t["closed"]]
        r, _, _ = select.select(live, [], [], 0.1) if live else ([], [], [])
        for t in targets.values():
            for s in t["socks"]:
                if s in r and closed_by_peer(s):
                    t["closed"].add(s)
    report = {"ports": {}, "targets": {k: {"opened": len(t["socks"]),
                              "failed": t["failed"],
                              "refused": len(t["closed"]),
                              "open": len(t["socks"]) - len(t["closed"])}
                          for k, t in targets.items()}}
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f)
    os.rename(tmp, out)
    end = time.monotonic() + 60
    while not os.path.exists(stop) and time.monotonic() < end:
        time.sleep(0.1)
    for t in targets.values():
        for s in t["socks"]:
            s.close()


if __name__ == "__main__":
    main()
