"""A webhook's POST goes to the address that was vetted, whatever the name resolves to later,
and ends within its time however slowly the other side answers."""

import socket
import threading
import time

import pytest

from portal.core.posting import Undelivered, signed_post
from tests.sync.vendor_server import VendorServer


def test_the_post_connects_to_the_vetted_address_and_still_names_the_host():
    with VendorServer() as server:
        port = server.httpd.server_address[1]
        # The name does not resolve at all: only the pinned address can be reached.
        url = f"http://hooks.example.invalid:{port}/in"

        code = signed_post(
            url,
            b"{}",
            secret="s",
            headers={},
            timeout=2,
            json_answer=False,
            connect_to="127.0.0.1",
        )

    assert code == 200
    [received] = server.received
    assert received["headers"]["Host"] == f"hooks.example.invalid:{port}"


def test_without_the_pinned_address_the_name_would_be_resolved():
    with pytest.raises(Undelivered):
        signed_post("http://hooks.example.invalid:9/in", b"{}", secret="s", headers={}, timeout=2)


@pytest.fixture
def trickler():
    """Answers with one byte of its status line every 0.2 s, for ever (until closed)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                if stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()


def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_deadline(trickler):
    started = time.monotonic()
    with pytest.raises(Undelivered):
        signed_post(
            f"http://hooks.example.invalid:{trickler}/in",
            b"{}",
            secret="s",
            headers={},
            timeout=1,
            json_answer=False,
            connect_to="127.0.0.1",
        )
    assert time.monotonic() - started < 2.5
