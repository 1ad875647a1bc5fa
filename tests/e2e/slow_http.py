"""slow_http.py: an HTTP server for the e2e tests and the benchmark that
answers every GET after --delay seconds (a slow database or web service).

Usage: slow_http.py --port P [--delay S] [--ready FILE]
The body is "result for PATH".
"""
import argparse
import http.server
import socketserver
import time


class Slow(http.server.BaseHTTPRequestHandler):
    delay = 1.0

    def do_GET(self):
        time.sleep(self.delay)
        body = ("result for %s" % self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 512


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("--ready")
    a = ap.parse_args()
    Slow.delay = a.delay
    srv = Server(("127.0.0.1", a.port), Slow)
    if a.ready:
        open(a.ready, "w").close()
    srv.serve_forever()


if __name__ == "__main__":
    main()
