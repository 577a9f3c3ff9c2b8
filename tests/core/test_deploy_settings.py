"""The production configuration (behind the TLS proxy): Django's deployment checks pass, plain
HTTP is sent to HTTPS, HSTS is on and cookies go over HTTPS only. Each case runs the settings
in a fresh process with the environment an operator would set."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "BEHIND_TLS_PROXY": "1",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "portal.example.com",
    "SECRET_KEY": secrets.token_urlsafe(50),
}
# Knobs a developer's shell (or the browser tests, for async) might hold that change the answer.
CLEARED = (
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)


def settings_in(names: list[str], **env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_production_settings_pass_the_deployment_checks():
    result = check_deploy(**PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_the_tls_proxy_the_deployment_checks_warn():
    result = check_deploy(**{**PRODUCTION, "BEHIND_TLS_PROXY": "0"})

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_behind_the_tls_proxy_http_is_redirected_and_https_gets_hsts_and_secure_cookies():
    code = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="portal.example.com")
plain = client.get("/accounts/login/")
tls = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.headers.get("Location")],
    "tls": [tls.status_code, tls.headers.get("Strict-Transport-Security")],
    "csrf_cookie_secure": bool(tls.cookies["csrftoken"]["secure"]),
}))
"""
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["plain"] == [301, "https://portal.example.com/accounts/login/"]
    assert answers["tls"] == [200, "max-age=31536000; includeSubDomains"]
    assert answers["csrf_cookie_secure"] is True


def test_hsts_lifetime_and_subdomains_are_settings():
    found = settings_in(
        ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS"],
        **PRODUCTION,
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
    )

    assert found == {"SECURE_HSTS_SECONDS": 600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False}


def test_secure_cookies_follow_the_proxy_and_still_work_on_their_own():
    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"]

    assert settings_in(names, BEHIND_TLS_PROXY="1") == dict.fromkeys(names, True)
    assert settings_in(names, BEHIND_TLS_PROXY="0") == dict.fromkeys(names, False)
    assert settings_in(names, BEHIND_TLS_PROXY="0", SECURE_COOKIES="1") == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": False,
    }


def test_postgresql_keeps_statements_prepared_unless_a_pooler_cannot():
    url = "postgres://portal@db.example.com:5432/portal"

    on = settings_in(["DATABASES"], DATABASE_URL=url)["DATABASES"]["default"]["OPTIONS"]
    off = settings_in(["DATABASES"], DATABASE_URL=url, DB_PREPARED_STATEMENTS="0")

    assert on == {"server_side_binding": True, "prepare_threshold": 5}
    assert "server_side_binding" not in off["DATABASES"]["default"].get("OPTIONS", {})
