#!/usr/bin/python3
"""http_check.py: scrapes the server's HTTP endpoints for the e2e cases.

    http_check.py URL metrics PYEXPR   GET URL/metrics, parsed with the real
        Prometheus text parser (prometheus_client); PYEXPR sees m(name,
        **labels) -> value (0 if absent; a counter's name without _total),
        F (the metric families by name) and S (all samples)
    http_check.py URL calls PYEXPR     GET URL/calls; PYEXPR sees C (list)
    http_check.py URL get|post PATH [TOKEN]   prints "CODE BODY"

PYEXPR yields True/1 to pass, else a string (or False): the reason, printed
on stdout, exit 1.  $HTTP_TOKEN, if set, is sent as a bearer token.
"""
import json
import os
import sys
import urllib.error
import urllib.request


def fetch(url, method="GET", token=None):
    req = urllib.request.Request(url, method=method,
                                 data=b"" if method == "POST" else None)
    token = token if token is not None else os.environ.get("HTTP_TOKEN")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers


def verdict(r):
    if r is True or r == 1:
        sys.exit(0)
    print(r if isinstance(r, str) else "check failed: " + sys.argv[3])
    sys.exit(1)


def main():
    base, what = sys.argv[1], sys.argv[2]
    if what in ("get", "post"):
        code, body, _ = fetch(base + sys.argv[3], what.upper(),
                              sys.argv[4] if len(sys.argv) > 4 else None)
        print(code, body.strip().replace("\n", " ")[:300])
        return
    code, body, headers = fetch(base + "/" + what)
    if code != 200:
        verdict("GET /%s: HTTP %d %s" % (what, code, body[:200]))
    if what == "metrics":
        from prometheus_client.parser import text_string_to_metric_families
        ctype = headers.get("Content-Type", "")
        if not ctype.startswith("text/plain"):
            verdict("GET /metrics Content-Type %r" % ctype)
        F = {f.name: f for f in text_string_to_metric_families(body)}
        S = [s for f in F.values() for s in f.samples]

        def m(name, **labels):
            want = {k: str(v) for k, v in labels.items()}
            for s in S:
                if s.name in (name, name + "_total") and s.labels == want:
                    return s.value
            return 0
        env = {"m": m, "F": F, "S": S}
    else:
        env = {"C": json.loads(body)}
    try:
        r = eval(sys.argv[3], env)
    except Exception as e:
        r = "check raised %r" % e
    verdict(r)


main()
