"""A stand-in for the vendor's provisioning endpoint, on a free local port, for the fault tests.

``mode`` decides how it answers: "ok" (200 with a JSON receipt), "error" (500), "garbage"
(200 with a body that is not JSON), "broken" (bytes that are not HTTP at all, then hang up),
"slow" (answers after ``delay`` seconds), "reject" (400). Every request it read is kept in
``received`` (headers and body), whatever it answered.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class VendorServer:
    def __init__(self, mode: str = "ok", delay: float = 2.0):
        self.mode = mode
        self.delay = delay
        self.received: list[dict] = []
        self.arrived = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.received.append({"headers": dict(self.headers), "body": body})
                server.arrived.set()
                mode = server.mode
                if mode == "slow":
                    time.sleep(server.delay)
                if mode == "broken":
                    self.wfile.write(b"\x00\x01 this is not HTTP\r\n\r\n")
                    return
                status, text = {
                    "ok": (200, json.dumps({"status": "accepted"})),
                    "slow": (200, json.dumps({"status": "accepted"})),
                    "error": (500, "Internal Server Error"),
                    "garbage": (200, "<html>maintenance</html>"),
                    "reject": (400, "unknown product"),
                }[mode]
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that hung up (timed out, or killed) is part of the test

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/provision"

    def payloads(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.received]

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
