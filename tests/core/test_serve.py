"""``bin/serve`` starts a process that died again instead of stopping the portal, and Ctrl-C
still stops every process it started."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from django.conf import settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_processes(sid: int) -> dict[int, tuple[int, str]]:
    """The live processes of session ``sid``: pid → (parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # gone meanwhile
        # The command name (in parentheses) may hold spaces: the fields follow the last ")".
        state, ppid, _pgrp, session = stat.rsplit(")", 1)[1].split()[:4]
        if int(session) == sid and state != "Z":
            found[int(entry.name)] = (int(ppid), cmdline)
    return found


def supervised_worker(sid: int) -> int | None:
    """The task worker's pid, as started by its supervising shell."""
    processes = session_processes(sid)
    for pid, (ppid, cmdline) in processes.items():
        if "manage.py portal_worker" in cmdline and "bin/serve" in processes.get(ppid, (0, ""))[1]:
            return pid
    return None


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"no {what} within {seconds} s"
        time.sleep(0.2)
    return found


def start_serve(tmp_path, **env_vars) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PYTEST_"))}
    env |= {
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        # The processes only need to run, not to find their tables: an empty database is quick.
        "SQLITE_PATH": str(tmp_path / "portal.sqlite3"),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        **env_vars,
    }
    return subprocess.Popen(
        [str(Path(settings.BASE_DIR) / "bin" / "serve")],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=(tmp_path / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own session: every process it starts can be found
    )


def test_serve_starts_a_killed_worker_again_and_ctrl_c_stops_them_all(tmp_path):
    serve = start_serve(tmp_path)
    log = tmp_path / "serve.log"
    sid = serve.pid
    try:
        first = wait_for(lambda: supervised_worker(sid), 90, "task worker")
        os.kill(first, signal.SIGKILL)

        second = wait_for(
            lambda: (pid := supervised_worker(sid)) != first and pid, 60, "new task worker"
        )
        assert second != first
        assert serve.poll() is None
        assert "the task worker stopped (exit 137); started again after 1 s" in log.read_text()

        serve.send_signal(signal.SIGINT)  # Ctrl-C
        assert serve.wait(60) == 0
        wait_for(lambda: not session_processes(sid), 60, "stop of every process")
    finally:
        if session_processes(sid):
            os.killpg(sid, signal.SIGKILL)
        serve.wait(10)


def test_serve_gives_up_on_a_process_that_keeps_dying_at_start_and_stops_the_rest(tmp_path):
    # gunicorn fails on the setting at once, every time: 5 quick deaths, 1+2+4+8 s apart.
    serve = start_serve(tmp_path, WEB_CONCURRENCY="many")
    sid = serve.pid
    try:
        assert serve.wait(90) == 1
        wait_for(lambda: not session_processes(sid), 60, "stop of every process")
        assert (
            "the web server stopped 5 times within 10 s of starting (exit 1); giving up"
            in (tmp_path / "serve.log").read_text()
        )
    finally:
        if session_processes(sid):
            os.killpg(sid, signal.SIGKILL)
        serve.wait(10)
