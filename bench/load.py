"""Load benchmark through the real server: gunicorn on PostgreSQL with the 1,000,000-prospect
data set, concurrent clients over the pages partners use most.

    python bench/load.py [--clients 16] [--seconds 30] [--think 1] [--workers N] [--threads N]
    python bench/run.py load

The data set is ``prospect_list.py``'s (``portal_bench``, BENCH_DATABASE_URL; loaded there or
here on first use): 100 partners, 1,000,000 prospects, the partner measured with 100,000 of them
and 100,000 Complete customers. The benchmark adds, once, that partner's contracted prices and an
Active agreement version for 50 of its customers, signs its Admin in (a session cookie) and makes
an API token.

gunicorn serves the portal as in production (DEBUG off, ``config.wsgi``, the whole middleware
stack) on a free port of 127.0.0.1, with ``bench.load_settings``: the portal's settings with one
more URL, the reference view. A small asyncio HTTP/1.1 client then runs ``--clients`` closed
loops over the mix (Prospect List pages and sorts, search — the list's and the header's —,
customer page, order preview — the htmx quote of the order form, a POST —, and the API's
prospects and a customer's agreement), each client starting at another place in it:

1. warm-up, not counted;
2. the mix with no think time (each client sends its next request as soon as the last is
   answered): the server's capacity, every request queued behind the others;
3. the mix with think time (each client waits ``--think`` seconds on average, from half to one
   and a half times it, before each request: 16 people at work): the latency target's run;
4. the mix from one client, no think time: each page's own time, no queue;
5. each route alone at ``--clients`` without think time, between runs of the reference view,
   anonymous (one query, no session) and signed in (the session and user lookups every page
   pays, then the same one query).

It prints requests/s and p50/p95/p99 (ms, the whole request as the client sees it) per route
and the CPU a request cost the server, PostgreSQL and this client.

Targets (issue 21): every route's p95 <= 100 ms at 16 clients (judged on run 3: on two cores,
without think time even the signed-in reference view waits ~75 ms in the queue), the Prospect
List at >= 50% of the signed-in reference view's requests/s (the anonymous ratio is printed
too). Only addresses on this machine are ever asked; every loop stops by itself.
"""

import argparse
import asyncio
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.prospect_list import configure, percentile  # noqa: E402

TARGET_P95_MS = 100.0
TARGET_RATIO = 0.5
WARMUP_SECONDS = 5
CUSTOMERS_WITH_AGREEMENTS = 50
PROSPECTS_ORDERED = 50
TOKEN_NAME = "load benchmark"
LIST = "Prospect List"
SEARCH = "search"
CUSTOMER = "customer page"
ORDER_PREVIEW = "order preview"
API = "API"
REFERENCE = "reference view"
REFERENCE_SIGNED_IN = "reference, signed in"
# The server's own secret, the same in this process (which writes the session) and in gunicorn.
SECRET_KEY = "load-benchmark-only-" + "x" * 40


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0, help="of the mix")
    parser.add_argument("--paced-seconds", type=float, default=60.0, help="of the paced mix")
    parser.add_argument("--alone-seconds", type=float, default=10.0, help="of each run alone")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--threads", type=int, default=1, help="gthread workers when > 1")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean seconds a paced client waits (the target's)"
    )
    args, extra = parser.parse_known_args()
    if unknown := [arg for arg in extra if arg.startswith("-")]:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


# -- The requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    route: str
    raw: bytes  # the whole HTTP/1.1 request


def http_request(
    route: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> Request:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return Request(route, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)


@dataclass(frozen=True)
class Visitor:
    """What the benchmark's clients show the server: the Admin's session, a token, ids."""

    session: str
    csrf: str
    token: str
    partner: int
    customers: list[int]
    prospects: list[int]
    form: dict  # the order form's fields for a preview


def prepare() -> Visitor:
    """The data set (loaded if missing), then what the requests need; made once and kept."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils.crypto import get_random_string

    from bench.generate import Size, admin_email, ensure
    from portal.accounts.models import User
    from portal.api.models import ApiToken
    from portal.api.tokens import token_create
    from portal.companies.models import Company

    call_command("migrate", verbosity=0)
    seconds = ensure(Size(100, 1_000_000, 100_000, 100_000))
    print("data: already loaded" if seconds is None else f"data: loaded in {seconds:.0f} s")
    admin = User.objects.get(email=admin_email(0))
    partner = admin.partner
    customers = _customers_with_agreements(admin)
    with connection.cursor() as cursor:  # the planner sees the versions just made
        cursor.execute("ANALYZE companies_agreement, companies_agreementline")
    prospects = list(
        Company.objects.filter(partner=partner, status=Company.Status.PROSPECT)
        .order_by("id")
        .values_list("id", flat=True)[:PROSPECTS_ORDERED]
    )
    browser = Client()
    browser.force_login(admin)
    ApiToken.objects.filter(user=admin, name=TOKEN_NAME).delete()
    _, token = token_create(user=admin, name=TOKEN_NAME)
    form = {"implementation_lead": "", "permitted_users": 120}
    for code, seats in [("BS1", 120), ("BA1", 40)]:
        form |= {f"product_{code}": "on", f"seats_{code}": seats}
    return Visitor(
        session=browser.cookies[settings.SESSION_COOKIE_NAME].value,
        csrf=get_random_string(32),
        token=token,
        partner=partner.pk,
        customers=customers,
        prospects=prospects,
        form=form,
    )


def _customers_with_agreements(admin) -> list[int]:
    """The first Complete customers of the partner, each with an Active version of two
    products at the partner's contracted prices (made on the first run)."""
    from decimal import Decimal

    from portal.catalog.models import ContractedPrice, Product
    from portal.catalog.selectors import price_table_for
    from portal.companies.models import Agreement, Company
    from portal.companies.services import agreement_create
    from portal.pricing import price_order

    partner = admin.partner
    for code, price in [("BS1", "4.50"), ("BA1", "1.75"), ("BR1", "9.00")]:
        product = Product.objects.get(code=code)
        ContractedPrice.objects.get_or_create(
            partner=partner,
            product=product,
            term=product.term,
            min_quantity=1,
            defaults={"unit_price": Decimal(price)},
        )
    ids = list(
        Company.objects.filter(partner=partner, status=Company.Status.COMPLETE)
        .order_by("id")
        .values_list("id", flat=True)[:CUSTOMERS_WITH_AGREEMENTS]
    )
    having = set(Agreement.objects.filter(company_id__in=ids).values_list("company_id", flat=True))
    table = price_table_for(partner=partner)
    for company in Company.objects.filter(pk__in=set(ids) - having):
        users = 25 + company.pk % 400
        quote = price_order(table, {"BS1": users, "BA1": users // 4 or 1})
        agreement_create(
            company=company,
            lines=list(quote.lines),
            status=Agreement.Status.ACTIVE,
            total_users=users,
            currency=partner.currency,
            actor=admin,
        )
    return ids


def mix(visitor: Visitor) -> list[Request]:
    """The requests of the mix, in the order a client walks them (then again)."""
    browser = {"Cookie": f"sessionid={visitor.session}; csrftoken={visitor.csrf}"}
    api = {"Authorization": f"Bearer {visitor.token}", "Accept": "application/json"}
    htmx = browser | {
        "X-CSRFToken": visitor.csrf,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    rng = random.Random(21)

    def page(route: str, path: str, **params) -> Request:
        query = f"?{urlencode(params)}" if params else ""
        return http_request(route, "GET", path + query, browser)

    found = []
    for n in range(len(visitor.customers)):
        customer = visitor.customers[n]
        prospect = visitor.prospects[n % len(visitor.prospects)]
        word = rng.choice(["ver", "cre", "sum", "oak", "xen", "pine", "lab", "har"])
        sort = rng.choice(["name", "-name", "-changed", "users", "provision", "domain"])
        found += [
            page(LIST, "/prospects/"),
            page(LIST, "/prospects/", page=rng.randint(2, 4000)),
            page(LIST, "/prospects/", sort=sort),
            page(SEARCH, "/prospects/", q=word),
            page(SEARCH, "/companies/search/", q=word),
            page(CUSTOMER, f"/companies/{customer}/"),
            http_request(
                ORDER_PREVIEW,
                "POST",
                f"/orders/{prospect}/quote/",
                htmx,
                urlencode(visitor.form).encode(),
            ),
            http_request(API, "GET", f"/api/v1/prospects/?page={rng.randint(1, 4000)}", api),
            http_request(API, "GET", f"/api/v1/customers/{customer}/", api),
        ]
    return found


def alone(visitor: Visitor, route: str) -> list[Request]:
    reference = f"/bench/reference/?partner={visitor.partner}"
    if route == REFERENCE:
        return [http_request(route, "GET", reference, {})]
    if route == REFERENCE_SIGNED_IN:
        return [http_request(route, "GET", reference, {"Cookie": f"sessionid={visitor.session}"})]
    return [request for request in mix(visitor) if request.route == route]


# -- The client -----------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection (opened again when the server closes it)."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def send(self, raw: bytes) -> int:
        """The response's status, once its whole body is read."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        headers = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        else:
            await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection") == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Result:
    seconds: float
    samples: dict  # route -> [ms]
    errors: dict  # route -> {status: count}
    cpu: dict | None = None  # who -> CPU seconds spent meanwhile

    def requests(self) -> int:
        return sum(map(len, self.samples.values()))

    def cpu_per_request(self) -> str:
        spent = ", ".join(
            f"{who} {seconds * 1000 / self.requests():.1f}" for who, seconds in self.cpu.items()
        )
        return f"CPU ms a request: {spent}"

    def rate(self, route: str) -> float:
        return len(self.samples[route]) / self.seconds


async def _client(
    port: int, requests: list[Request], start: int, deadline: float, result, think: float
):
    connection = Connection(port)
    pause = random.Random(start)
    for request in itertools.islice(itertools.cycle(requests), start, None):
        if think:  # a person reading the page: from half to one and a half times the mean
            await asyncio.sleep(think * pause.uniform(0.5, 1.5))
        if time.perf_counter() >= deadline:
            break
        began = time.perf_counter()
        try:
            status = await connection.send(request.raw)
        except (ConnectionError, asyncio.IncompleteReadError):
            connection.close()
            status = 0
        result.samples[request.route].append((time.perf_counter() - began) * 1000)
        if status != 200:
            result.errors[request.route][status] += 1
    connection.close()


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server: int) -> dict:
    """CPU seconds used so far by each process of the server (its process group), of
    PostgreSQL and of this client, read from /proc: ``{pid: (who, seconds)}``."""
    spent = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == server:
            who = "server"
        elif name.startswith("postgres"):
            who = "database"
        else:
            continue
        spent[int(entry.name)] = (who, (int(fields[11]) + int(fields[12])) / TICKS)
    own = os.times()
    spent[0] = ("client", own.user + own.system)
    return spent


def cpu_spent(before: dict, after: dict) -> dict:
    """What each kind of process spent between two readings (a process that ended meanwhile
    is left out: PostgreSQL's autovacuum workers come and go)."""
    spent = {"server": 0.0, "database": 0.0, "client": 0.0}
    for pid, (who, seconds) in after.items():
        then = before.get(pid)
        spent[who] += seconds - (then[1] if then and then[0] == who else 0.0)
    return spent


def run(
    port: int,
    requests: list[Request],
    clients: int,
    seconds: float,
    server: int,
    think: float = 0.0,
) -> Result:
    """``clients`` closed loops over ``requests`` for ``seconds``, each waiting ``think``
    seconds (a mean) before each request."""
    result = Result(seconds, defaultdict(list), defaultdict(lambda: defaultdict(int)))
    before = cpu_seconds(server)

    async def main():
        deadline = time.perf_counter() + seconds
        step = max(1, len(requests) // clients)
        await asyncio.gather(
            *(_client(port, requests, n * step, deadline, result, think) for n in range(clients))
        )

    began = time.perf_counter()
    asyncio.run(main())
    result.seconds = time.perf_counter() - began
    result.cpu = cpu_spent(before, cpu_seconds(server))
    return result


# -- The server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(args: argparse.Namespace, port: int, log, **settings: str) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
    ]
    if args.threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "LOG_LEVEL": "WARNING",
        # /metrics to this client, summed over the workers: how many list pages were kept.
        "METRICS_ALLOWED_ADDRESSES": "127.0.0.1",
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="bench-load-metrics-"),
        **settings,
    }
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode}); see {log.name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                probe.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                if probe.recv(64).startswith(b"HTTP/1.1 200"):
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn not ready within 60 s; see {log.name}")
        time.sleep(0.3)


def kept_lookups(port: int) -> dict[str, float]:
    """The Prospect List's pages found kept ("hit") and rendered ("miss") so far, all workers."""
    found = {"hit": 0.0, "miss": 0.0}
    with urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:  # noqa: S310
        for line in response.read().decode().splitlines():
            if line.startswith("portal_list_cache_lookups_total{") and "ProspectListView" in line:
                for result in found:
                    if f'result="{result}"' in line:
                        found[result] += float(line.rsplit(" ", 1)[1])
    return found


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# -- Report ---------------------------------------------------------------------------------


def row(label: str, result: Result, route: str) -> str:
    samples = result.samples[route]
    errors = sum(result.errors[route].values())
    return (
        f"  {label:<28} {len(samples):>8} {result.rate(route):>8.1f} "
        f"{percentile(samples, 0.50):>7.1f} {percentile(samples, 0.95):>7.1f} "
        f"{percentile(samples, 0.99):>7.1f} {errors:>6}"
    )


HEADER = (
    "  "
    + " ".join([f"{'route':<28}", *(f"{h:>{w}}" for h, w in [("requests", 8), ("req/s", 8)]), ""])
    + " ".join(f"{h:>7}" for h in ["p50 ms", "p95 ms", "p99 ms"])
    + f" {'errors':>6}"
)
# Alone, one after another: each route of the mix between two runs of each reference, whose
# mean the list is held against (the machine is shared: its speed drifts).
ROUTES = [LIST, SEARCH, CUSTOMER, ORDER_PREVIEW, API]
ALONE = [REFERENCE, REFERENCE_SIGNED_IN, *ROUTES, REFERENCE_SIGNED_IN, REFERENCE]


def main() -> int:
    args = parse_args()
    os.environ["SECRET_KEY"] = SECRET_KEY
    configure("postgres")
    from django.db import connection

    print(f"database: {connection.settings_dict['NAME']}")
    visitor = prepare()
    connection.close()  # the server's workers are the ones asking now
    worker = f"{args.workers} sync workers"
    if args.threads > 1:
        worker = f"{args.workers} gthread workers x {args.threads} threads"
    print(f"server: gunicorn, {worker}; clients: {args.clients}")
    port = free_port()
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    log_path = var / "bench-load-server.log"
    with open(log_path, "w") as log:
        server = serve(args, port, log)
        try:
            run(port, mix(visitor), args.clients, WARMUP_SECONDS, server.pid)
            mixed = run(port, mix(visitor), args.clients, args.seconds, server.pid)
            paced = run(
                port, mix(visitor), args.clients, args.paced_seconds, server.pid, args.think
            )
            unloaded = run(port, mix(visitor), 1, args.alone_seconds, server.pid)
            single = []
            for route in ALONE:
                before = kept_lookups(port)
                single.append(
                    (
                        route,
                        run(
                            port,
                            alone(visitor, route),
                            args.clients,
                            args.alone_seconds,
                            server.pid,
                        ),
                    )
                )
                if route == LIST:
                    after = kept_lookups(port)
                    kept = {result: after[result] - before[result] for result in after}
        finally:
            stop(server)
        # The same list with no page kept (LIST_CACHE_ENTRIES=0): every request renders it.
        server = serve(args, port, log, LIST_CACHE_ENTRIES="0")
        try:
            run(port, alone(visitor, LIST), args.clients, WARMUP_SECONDS, server.pid)
            rendered = [
                (
                    route,
                    run(port, alone(visitor, route), args.clients, args.alone_seconds, server.pid),
                )
                for route in [REFERENCE_SIGNED_IN, LIST, REFERENCE_SIGNED_IN]
            ]
        finally:
            stop(server)
        # The customer page with every statement parsed and planned again (the setting's off).
        server = serve(args, port, log, DB_PREPARED_STATEMENTS="0")
        try:
            run(port, alone(visitor, CUSTOMER), args.clients, WARMUP_SECONDS, server.pid)
            unprepared = run(
                port, alone(visitor, CUSTOMER), args.clients, args.alone_seconds, server.pid
            )
        finally:
            stop(server)

    mixes = [
        (mixed, f"{args.clients} clients, no think time (the server's capacity)"),
        (paced, f"{args.clients} clients, each thinking {args.think:g} s on average"),
        (unloaded, "1 client, no think time (no queue)"),
    ]
    for result, label in mixes:
        print(
            f"\nThe mix, {label}, {result.seconds:.1f} s: "
            f"{result.requests() / result.seconds:.1f} req/s; {result.cpu_per_request()}"
        )
        print(HEADER)
        for route in ROUTES:
            print(row(route, result, route))
    print(f"\nAlone, {args.clients} clients, {args.alone_seconds:.0f} s each:")
    print(HEADER)
    for route, result in single:
        print(row(route, result, route) + f"  ({result.cpu_per_request()})")
    asked = kept["hit"] + kept["miss"]
    print(
        f"  ({LIST}: {kept['hit']:.0f} of its {asked:.0f} pages found kept, "
        f"{kept['hit'] / max(asked, 1):.0%}; the rest rendered and kept)"
    )
    print(f"\nAgain with no list page kept (LIST_CACHE_ENTRIES=0), {args.clients} clients:")
    print(HEADER)
    for route, result in rendered:
        print(row(route, result, route) + f"  ({result.cpu_per_request()})")
    print(
        "\nAgain with no statement kept prepared (DB_PREPARED_STATEMENTS=0), "
        f"{args.clients} clients:"
    )
    print(HEADER)
    print(row(CUSTOMER, unprepared, CUSTOMER) + f"  ({unprepared.cpu_per_request()})")
    failed = False
    passes = [(route, result) for result, _ in mixes for route in result.samples]
    for route, result in [*passes, *single, (CUSTOMER, unprepared)]:
        for status, count in result.errors[route].items():
            print(f"  {route}: {count} answered {status or 'nothing'}")
            failed = True

    def slowest(result: Result) -> tuple[float, str]:
        return max((percentile(samples, 0.95), route) for route, samples in result.samples.items())

    def rate_of(route: str) -> float:
        rates = [result.rate(route) for name, result in single if name == route]
        return sum(rates) / len(rates)

    listed, signed_in = rate_of(LIST), rate_of(REFERENCE_SIGNED_IN)
    worst, worst_route = slowest(paced)
    verdicts = [
        (
            worst <= TARGET_P95_MS,
            f"every route's p95 <= {TARGET_P95_MS:.0f} ms at {args.clients} thinking clients "
            f"(slowest: {worst_route} {worst:.1f} ms)",
        ),
        (
            listed / signed_in >= TARGET_RATIO,
            f"{LIST} {listed:.1f} req/s = {listed / signed_in:.0%} of the "
            f"{REFERENCE_SIGNED_IN}'s {signed_in:.1f} req/s (target >= {TARGET_RATIO:.0%})",
        ),
    ]
    # For the record, not judged: without think time every request waits for the ones ahead of
    # it (the signed-in reference's p95 is its queue); an anonymous page skips the session.
    print(
        "\nINFO: without think time the slowest p95 is {1}'s {0:.1f} ms".format(*slowest(mixed))
        + f"; {LIST} = {listed / rate_of(REFERENCE):.0%} of the anonymous {REFERENCE}'s "
        f"{rate_of(REFERENCE):.1f} req/s"
    )
    rendered_rate = rendered[1][1].rate(LIST)
    rendered_reference = (
        rendered[0][1].rate(REFERENCE_SIGNED_IN) + rendered[2][1].rate(REFERENCE_SIGNED_IN)
    ) / 2
    print(
        f"INFO: with no page kept {LIST} {rendered_rate:.1f} req/s = "
        f"{rendered_rate / rendered_reference:.0%} of the {REFERENCE_SIGNED_IN}'s "
        f"{rendered_reference:.1f} req/s"
    )
    prepared = rate_of(CUSTOMER)
    print(
        f"INFO: with no statement kept prepared {CUSTOMER} {unprepared.rate(CUSTOMER):.1f} req/s"
        f" ({prepared:.1f} with them, {prepared / unprepared.rate(CUSTOMER) - 1:+.0%})"
    )
    print()
    for met, text in verdicts:
        print(f"{'PASS' if met else 'FAIL'}: {text}")
        failed |= not met
    if failed:
        print(f"(the server's log: {log_path})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
