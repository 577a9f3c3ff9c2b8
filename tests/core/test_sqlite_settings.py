"""The embedded default: an SQLite file under var/ in WAL mode, writers queue on a busy timeout."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="only the SQLite default is checked here"
)


def test_sqlite_file_database_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    env = {**os.environ, "SQLITE_PATH": str(tmp_path / "portal.sqlite3")}
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "cursor = connection.cursor();"
        "print(cursor.execute('PRAGMA journal_mode').fetchone()[0],"
        " cursor.execute('PRAGMA busy_timeout').fetchone()[0],"
        " connection.transaction_mode)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]
