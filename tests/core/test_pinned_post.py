"""A webhook's POST goes to the address that was vetted, whatever the name resolves to later,
and ends within its time however slowly the other side answers."""

import socket
import threading
import time

import pytest

from portal.core.outbox.posting import Undelivered, signed_post
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
            connect_to=["127.0.0.1"],
        )

    assert code == 200
    [received] = server.received
    assert received["headers"]["Host"] == f"hooks.example.invalid:{port}"


def test_without_the_pinned_address_the_name_would_be_resolved():
    with pytest.raises(Undelivered):
        signed_post("http://hooks.example.invalid:9/in", b"{}", secret="s", headers={}, timeout=2)


def test_it_falls_over_to_the_next_vetted_address_and_ignores_a_proxy(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    with VendorServer() as server:
        port = server.httpd.server_address[1]
        with socket.socket() as probe:  # an address with nothing listening on that port
            probe.bind(("127.0.0.2", 0))
        code = signed_post(
            f"http://hooks.example.invalid:{port}/in",
            b"{}",
            secret="s",
            headers={},
            timeout=2,
            json_answer=False,
            connect_to=["127.0.0.2", "127.0.0.1"],
        )
    assert code == 200
    assert len(server.received) == 1


def trickle(conn) -> None:
    """One byte of a status line every 0.2 s, until the other side hangs up."""
    conn.recv(65536)
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
        try:
            conn.sendall(bytes([byte]))
        except OSError:
            return
        time.sleep(0.2)


@pytest.fixture
def trickler():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve():
        conn, _ = listener.accept()
        with conn:
            trickle(conn)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
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
            connect_to=["127.0.0.1"],
        )
    assert time.monotonic() - started < 2.5


@pytest.fixture
def tls_trickler(tmp_path, monkeypatch):
    """The trickler behind TLS, with a certificate for hooks.example.invalid that the
    client is made to trust."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=hooks.example.invalid", "-keyout", str(key), "-out", str(cert)]
        + ["-addext", "subjectAltName=DNS:hooks.example.invalid"],
        check=True,
        capture_output=True,
    )
    monkeypatch.setattr(ssl, "_create_default_https_context", lambda: _trusting(cert))
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve():
        conn, _ = listener.accept()
        with server_context.wrap_socket(conn, server_side=True) as tls:
            trickle(tls)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def _trusting(cert):
    import ssl

    return ssl.create_default_context(cafile=str(cert))


def test_a_trickling_receiver_behind_tls_is_cut_off_at_the_deadline_too(tls_trickler):
    started = time.monotonic()
    with pytest.raises(Undelivered):
        signed_post(
            f"https://hooks.example.invalid:{tls_trickler}/in",
            b"{}",
            secret="s",
            headers={},
            timeout=1,
            json_answer=False,
            connect_to=["127.0.0.1"],
        )
    assert time.monotonic() - started < 2.5
