"""Who gets what, for every page of the portal (the API has its own matrix).

Every URL pattern outside /api/ and the vendor console's own admin pages has a row below,
keyed by the pattern's name (its route, where it has none), opened with Acme's object ids by
five personas: nobody, another MSP's Admin, an Acme Sales user, an Acme Admin and vendor staff.
Each cell is what a GET answers: a status code, or a redirect and where it goes. A page another
MSP may open shows none of Acme's names. Where a route names an object, another MSP's POST gets
its answer too (404 when the route takes a POST) and changes nothing. A new URL pattern without
a row fails ``test_the_matrix_covers_every_url_pattern``.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .bad_text_world import snapshot, url_of

ANONYMOUS, OUTSIDER, SALES, ADMIN, STAFF = "anonymous", "other_msp", "sales", "admin", "staff"
PERSONAS = [ANONYMOUS, OUTSIDER, SALES, ADMIN, STAFF]

# What a GET gets: a status code, or a redirect's status and the path it sends to.
OK, GONE, NOT_ALLOWED = "200", "404", "405"
LOGIN = "302 /accounts/login/"
HOME = "302 /"
CONSOLE = "302 /admin/"
TWO_STEP = "302 /profile/two-step/"
ICON = "302 /static/favicon.ico"
CONSOLE_LOGIN = "302 /admin/login/"

LINK = "a secret link: whoever holds it opens it (a password reset, an RFI of one company)"
QUOTE_LINK = "a secret link: the end customer's quote, which whoever holds the link may read"
EXAMPLE = "the example row of the template, the same for every MSP (Northwind Traders Limited)"

# Names of Acme's objects and people: another MSP must never read them on a page.
ACME_NAMES = (b"Contoso", b"Northwind", b"Tailspin", b"Litware", b"@acme.test")


@dataclass(frozen=True)
class Row:
    anonymous: str
    other_msp: str
    sales: str
    admin: str
    staff: str
    other_msp_post: str | None = None  # another MSP's Admin posting to a route naming an object
    # Why another MSP may read a name of Acme's on the page ("": it may not).
    shows_names: str = ""


MATRIX = {
    #                                            anonymous  other MSP  Sales  Admin  staff
    "home": Row(LOGIN, OK, OK, OK, CONSOLE),
    "favicon": Row(ICON, ICON, ICON, ICON, ICON),
    # The vendor console's own sign-in page; the console itself is Django's admin.
    "admin/login/": Row(LOGIN, OK, OK, OK, CONSOLE),
    # The console's Dashboard, a page of the admin's own (staff only, through admin_view).
    "vendor_dashboard": Row(CONSOLE_LOGIN, CONSOLE_LOGIN, CONSOLE_LOGIN, CONSOLE_LOGIN, OK),
    "vendor_dashboard_csv": Row(CONSOLE_LOGIN, CONSOLE_LOGIN, CONSOLE_LOGIN, CONSOLE_LOGIN, OK),
    "vendor_dashboard_xlsx": Row(CONSOLE_LOGIN, CONSOLE_LOGIN, CONSOLE_LOGIN, CONSOLE_LOGIN, OK),
    "login": Row(OK, HOME, HOME, HOME, HOME),
    "logout": Row(NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "password_reset": Row(OK, OK, OK, OK, OK),
    "password_reset_done": Row(OK, OK, OK, OK, OK),
    "password_reset_confirm": Row(OK, OK, OK, OK, OK, other_msp_post=OK, shows_names=LINK),
    "password_reset_complete": Row(OK, OK, OK, OK, OK),
    "password_change": Row(LOGIN, OK, OK, OK, OK),
    "sessions": Row(LOGIN, OK, OK, OK, OK),
    "session_end": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE),
    "sessions_end_others": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "two_step_verify": Row(LOGIN, HOME, HOME, HOME, OK),
    "otp_webauthn:credential-registration-begin": Row(GONE, GONE, GONE, GONE, GONE),
    "otp_webauthn:credential-registration-complete": Row(GONE, GONE, GONE, GONE, GONE),
    "otp_webauthn:credential-authentication-begin": Row(GONE, GONE, GONE, GONE, GONE),
    "otp_webauthn:credential-authentication-complete": Row(GONE, GONE, GONE, GONE, GONE),
    "otp_webauthn:js-i18n-catalog": Row(OK, OK, OK, OK, OK),
    "two_step_manage": Row(LOGIN, OK, OK, OK, OK),
    "two_step_authenticator_start": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "two_step_authenticator": Row(LOGIN, TWO_STEP, TWO_STEP, TWO_STEP, TWO_STEP),
    "two_step_authenticator_remove": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "two_step_recovery_codes": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "two_step_passkey_remove": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE),
    "two_step_off": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "profile": Row(LOGIN, OK, OK, OK, GONE),
    "token_revoke": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "reminders:preferences": Row(LOGIN, OK, OK, OK, GONE),
    "reminders:term_days": Row(LOGIN, NOT_ALLOWED, GONE, NOT_ALLOWED, GONE),
    "companies:detail": Row(LOGIN, GONE, OK, OK, GONE, NOT_ALLOWED),
    "companies:attachment": Row(LOGIN, GONE, OK, OK, GONE, NOT_ALLOWED),
    "companies:downsell_cancel": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "companies:sync": Row(LOGIN, GONE, OK, OK, GONE, NOT_ALLOWED),
    "companies:details_edit": Row(LOGIN, GONE, OK, OK, GONE, GONE),
    "companies:contact_add": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "companies:contact_edit": Row(LOGIN, GONE, OK, OK, GONE, GONE),
    "companies:contact_remove": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "companies:note_add": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    # The note is the Admin's: another user of the MSP may read it, not change it.
    "companies:note_edit": Row(LOGIN, GONE, GONE, OK, GONE, GONE),
    "companies:note_remove": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    # The header search: an MSP searches its own companies; vendor staff have none to search.
    "companies:renewal_auto_renew": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "companies:renewal_change": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "companies:renewal_change_cancel": Row(
        LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE
    ),
    # The MSP's own price of a product for this customer: its Admins set it (a form, no page).
    "companies:your_price": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    # What the MSP's PSA bills the customer for a product: any user of the MSP enters it.
    "companies:billed_seats": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "companies:search": Row(LOGIN, OK, OK, OK, GONE),
    "companies:search_suggest": Row(LOGIN, OK, OK, OK, GONE),
    "customers:in_progress": Row(LOGIN, OK, OK, OK, GONE),
    "customers:complete": Row(LOGIN, OK, OK, OK, GONE),
    "customers:in_progress_csv": Row(LOGIN, OK, OK, OK, GONE),
    "customers:in_progress_xlsx": Row(LOGIN, OK, OK, OK, GONE),
    "customers:complete_csv": Row(LOGIN, OK, OK, OK, GONE),
    "customers:complete_xlsx": Row(LOGIN, OK, OK, OK, GONE),
    "customers:renewals": Row(LOGIN, OK, OK, OK, GONE),
    "customers:renewals_csv": Row(LOGIN, OK, OK, OK, GONE),
    "customers:renewals_xlsx": Row(LOGIN, OK, OK, OK, GONE),
    # Each MSP's own rows; the fixes are POSTs (True up names its row in the form).
    "customers:reconciliation": Row(LOGIN, OK, OK, OK, GONE),
    "customers:reconciliation_csv": Row(LOGIN, OK, OK, OK, GONE),
    "customers:reconciliation_xlsx": Row(LOGIN, OK, OK, OK, GONE),
    "customers:bill_seats": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE),
    "customers:true_up": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE),
    "customers:former": Row(LOGIN, OK, OK, OK, GONE),
    # Upload Billed Seats: each MSP uploads for its own customers; the template is its columns.
    "customers:billed_upload": Row(LOGIN, OK, OK, OK, GONE),
    "customers:billed_template": Row(LOGIN, OK, OK, OK, GONE),
    "prospects:list": Row(LOGIN, OK, OK, OK, GONE),
    "prospects:create": Row(LOGIN, OK, OK, OK, GONE),
    "prospects:verify": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE),
    "prospects:edit": Row(LOGIN, GONE, OK, OK, GONE, GONE),
    "prospects:delete": Row(LOGIN, GONE, GONE, OK, GONE, GONE),
    "prospects:template_xlsx": Row(LOGIN, OK, OK, OK, GONE),
    "prospects:template_csv": Row(LOGIN, OK, OK, OK, GONE, shows_names=EXAMPLE),
    "prospects:export_csv": Row(LOGIN, OK, OK, OK, GONE),
    "prospects:export_xlsx": Row(LOGIN, OK, OK, OK, GONE),
    "prospects:upload": Row(LOGIN, OK, OK, OK, GONE),
    "prospects:upload_result": Row(LOGIN, GONE, OK, OK, GONE, NOT_ALLOWED),
    "prospects:upload_errors": Row(LOGIN, GONE, OK, OK, GONE, NOT_ALLOWED),
    "orders:review": Row(LOGIN, GONE, OK, OK, GONE, GONE),
    "orders:quote": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "orders:editions": Row(LOGIN, OK, OK, OK, GONE),
    "changes:start": Row(LOGIN, GONE, OK, OK, GONE, GONE),
    "changes:preview": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "changes:quote": Row(LOGIN, GONE, OK, OK, GONE, GONE),
    "changes:quote_preview": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "changes:delete": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "changes:review": Row(LOGIN, GONE, OK, OK, GONE, GONE),
    "users:list": Row(LOGIN, OK, GONE, OK, GONE),
    "users:security_log": Row(LOGIN, OK, GONE, OK, GONE),
    "users:create": Row(LOGIN, OK, GONE, OK, GONE),
    "users:two_step": Row(LOGIN, NOT_ALLOWED, GONE, NOT_ALLOWED, GONE),
    "users:edit": Row(LOGIN, GONE, GONE, OK, GONE, GONE),
    "users:deactivate": Row(LOGIN, GONE, GONE, OK, GONE, GONE),
    "users:reactivate": Row(LOGIN, NOT_ALLOWED, GONE, NOT_ALLOWED, GONE, GONE),
    "users:invite_again": Row(LOGIN, NOT_ALLOWED, GONE, NOT_ALLOWED, GONE, GONE),
    "rfi:resend": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "rfi:form": Row(OK, OK, OK, OK, OK, other_msp_post=OK, shows_names=LINK),
    "sync:callback": Row(NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "sync:usage": Row(NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    # The Price Book: every user of the MSP reads it; its Admins set the prices.
    "pricebook:book": Row(LOGIN, OK, OK, OK, GONE),
    "dashboards:dashboard": Row(LOGIN, OK, OK, OK, GONE),
    "dashboards:csv": Row(LOGIN, OK, OK, OK, GONE),
    "dashboards:xlsx": Row(LOGIN, OK, OK, OK, GONE),
    "pricebook:edit": Row(LOGIN, NOT_ALLOWED, GONE, NOT_ALLOWED, GONE, GONE),
    # Customer quotes: the MSP's own pages; the end customer's through the signed link, which
    # whoever holds it opens (it shows the quote, made for Acme's customer).
    "quotes:make": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "quotes:make_order": Row(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, GONE, GONE),
    "quotes:branding": Row(LOGIN, OK, GONE, OK, GONE),
    "quotes:logo": Row(LOGIN, GONE, GONE, GONE, GONE),
    "quotes:detail": Row(LOGIN, GONE, OK, OK, GONE, NOT_ALLOWED),
    "quotes:pdf": Row(LOGIN, GONE, OK, OK, GONE, NOT_ALLOWED),
    "quotes:public": Row(OK, OK, OK, OK, OK, other_msp_post="400", shows_names=QUOTE_LINK),
    "quotes:public_logo": Row(GONE, GONE, GONE, GONE, GONE, NOT_ALLOWED),
    "quotes:public_pdf": Row(OK, OK, OK, OK, OK, NOT_ALLOWED, shows_names=QUOTE_LINK),
    "webhooks:list": Row(LOGIN, OK, GONE, OK, GONE),
    "webhooks:create": Row(LOGIN, OK, GONE, OK, GONE),
    "webhooks:detail": Row(LOGIN, GONE, GONE, OK, GONE, NOT_ALLOWED),
    "webhooks:edit": Row(LOGIN, GONE, GONE, OK, GONE, GONE),
    "webhooks:delete": Row(LOGIN, GONE, GONE, OK, GONE, GONE),
    "webhooks:send_test": Row(LOGIN, NOT_ALLOWED, GONE, NOT_ALLOWED, GONE, GONE),
    "webhooks:regenerate_secret": Row(LOGIN, NOT_ALLOWED, GONE, NOT_ALLOWED, GONE, GONE),
    "webhooks:send_again": Row(LOGIN, NOT_ALLOWED, GONE, NOT_ALLOWED, GONE, GONE),
}


def web_routes() -> dict[str, str]:
    """Every URL pattern outside /api/ and Django's admin, as {name: route}; a pattern without
    a name goes by its route."""

    def walk(patterns, prefix="", namespaces=()):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                spaces = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), spaces)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                yield (":".join((*namespaces, pattern.name)) if pattern.name else route), route

    found = [(name, route) for name, route in walk(get_resolver().url_patterns)]
    found = [(name, route) for name, route in found if not route.startswith("api/")]
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), "two URL patterns of one name"
    return dict(found)


def outcome(response) -> str:
    if 300 <= response.status_code < 400:
        return f"{response.status_code} {urlsplit(response['Location']).path}"
    return str(response.status_code)


def body_of(response) -> bytes:
    if response.streaming:  # a download
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def persona_client(request):
    def make(persona: str) -> Client:
        client = Client()
        if persona != ANONYMOUS:
            user = {OUTSIDER: "outsider", SALES: "acme_sales", ADMIN: "acme_admin", STAFF: "staff"}
            client.force_login(request.getfixturevalue(user[persona]))
        return client

    return make


def test_the_matrix_covers_every_url_pattern():
    routes = web_routes()

    assert sorted(set(routes) - set(MATRIX)) == [], "URL patterns without a matrix row"
    assert sorted(set(MATRIX) - set(routes)) == [], "matrix rows for no URL pattern"


def test_another_msps_post_is_answered_for_every_route_that_names_an_object():
    named = {name for name, route in web_routes().items() if "<" in route}
    posted = {name for name, row in MATRIX.items() if row.other_msp_post}

    assert sorted(named ^ posted) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_its_answer_from_every_page(persona, web_world, persona_client):
    client = persona_client(persona)
    failures = []

    for name, route in web_routes().items():
        row = MATRIX[name]
        response = client.get(url_of(route, web_world))

        got, want = outcome(response), getattr(row, persona)
        if got != want:
            failures.append(f"{name} as {persona}: {got}, the matrix says {want}")
        elif persona == OUTSIDER and got == OK and not row.shows_names:
            content = body_of(response)
            shown = [n.decode() for n in ACME_NAMES if n in content]
            if shown:
                failures.append(f"{name} as {persona} shows Acme's {shown}")

    assert failures == [], "\n".join(failures)


def test_another_msp_posting_to_acmes_objects_gets_its_answer_and_changes_nothing(
    web_world, persona_client
):
    client = persona_client(OUTSIDER)
    failures = []
    before = snapshot()

    for name, route in web_routes().items():
        want = MATRIX[name].other_msp_post
        if want is None:
            continue
        got = outcome(client.post(url_of(route, web_world), {}))
        if got != want:
            failures.append(f"POST {name} as {OUTSIDER}: {got}, the matrix says {want}")

    assert failures == [], "\n".join(failures)
    assert snapshot() == before
