"""A redirect is not followed (a POST turned into a GET, or sent on to another host, is not a
delivery): it fails at once, saying so, for the Admin to register the final URL."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from portal.webhooks.services import webhook_emit
from portal.webhooks.tasks import webhook_deliver

from .conftest import make_endpoint


class Redirect(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def redirecting_url():
    server = HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()
    server.server_close()


def test_a_redirect_fails_the_delivery_at_once(acme, redirecting_url):
    make_endpoint(acme, url=redirecting_url)
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={})

    assert webhook_deliver(delivery_id=delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code) == (1, 302)
    assert "HTTP 302 Found (redirects are not followed)" in delivery.last_error
