"""What the bad-text walk needs: every URL pattern of the portal with real object ids, the forms
of its pages, and a snapshot of the database to show that a refused request saved nothing."""

import re
from dataclasses import dataclass, field

import lxml.html
from django.apps import apps
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.core.text import problem
from portal.dashboards.console import DOWNLOADS

# Every control character the portal refuses, and the three a multi-line field takes.
ALWAYS_REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x9f"]
LINE_CHARACTERS = ["\t", "\n", "\r"]

# Path parameters of each pattern, as keys of the world. A new pattern with parameters fails
# test_every_url_pattern_is_walked until it has a row here.
ROUTE_IDS = {
    "accounts/reset/<uidb64>/<token>/": {"uidb64": "reset_uid", "token": "reset_token"},
    "companies/<int:pk>/": {"pk": "customer"},
    "companies/<int:pk>/attachments/<int:attachment_pk>/": {
        "pk": "customer",
        "attachment_pk": "attachment",
    },
    "companies/<int:pk>/agreements/<int:agreement_pk>/cancel-downsell/": {
        "pk": "customer",
        "agreement_pk": "agreement",
    },
    "companies/<int:pk>/agreements/<int:agreement_pk>/sync/": {
        "pk": "customer",
        "agreement_pk": "agreement",
    },
    "companies/<int:pk>/details/": {"pk": "customer"},
    "companies/<int:pk>/contacts/": {"pk": "customer"},
    "companies/<int:pk>/contacts/<int:contact_pk>/": {"pk": "customer", "contact_pk": "contact"},
    "companies/<int:pk>/contacts/<int:contact_pk>/remove/": {
        "pk": "customer",
        "contact_pk": "contact",
    },
    "companies/<int:pk>/notes/": {"pk": "customer"},
    "companies/<int:pk>/notes/<int:note_pk>/": {"pk": "customer", "note_pk": "note"},
    "companies/<int:pk>/notes/<int:note_pk>/remove/": {"pk": "customer", "note_pk": "note"},
    "companies/<int:pk>/renewal/auto-renew/": {"pk": "customer"},
    "companies/<int:pk>/renewal/changes/": {"pk": "customer"},
    "companies/<int:pk>/renewal/changes/<int:change_pk>/cancel/": {
        "pk": "customer",
        "change_pk": "renewal_change",
    },
    "companies/<int:pk>/prices/<int:product_id>/": {"pk": "customer", "product_id": "product"},
    "companies/<int:pk>/billed-seats/<int:product_id>/": {
        "pk": "customer",
        "product_id": "product",
    },
    "price-book/<int:product_id>/": {"product_id": "product"},
    "quotes/make/<int:change_pk>/": {"change_pk": "quote"},
    "quotes/make/order/<int:pk>/": {"pk": "prospect"},
    "quotes/<int:pk>/": {"pk": "customer_quote"},
    "quotes/<int:pk>/quote.pdf": {"pk": "customer_quote"},
    "quotes/c/<str:token>/": {"token": "customer_quote_token"},
    "quotes/c/<str:token>/logo.png": {"token": "customer_quote_token"},
    "quotes/c/<str:token>/quote.pdf": {"token": "customer_quote_token"},
    "prospects/<int:pk>/edit/": {"pk": "prospect"},
    "prospects/<int:pk>/delete/": {"pk": "prospect"},
    "prospects/upload/<int:pk>/": {"pk": "import"},
    "prospects/upload/<int:pk>/errors.csv": {"pk": "import"},
    "orders/<int:pk>/": {"pk": "prospect"},
    "orders/<int:pk>/quote/": {"pk": "prospect"},
    "changes/customers/<int:pk>/": {"pk": "customer"},
    "changes/customers/<int:pk>/preview/": {"pk": "customer"},
    "changes/<int:change_pk>/": {"change_pk": "quote"},
    "changes/<int:change_pk>/preview/": {"change_pk": "quote"},
    "changes/<int:change_pk>/delete/": {"change_pk": "quote"},
    "changes/<int:change_pk>/review/": {"change_pk": "quote"},
    "users/<int:pk>/edit/": {"pk": "user"},
    "users/<int:pk>/deactivate/": {"pk": "user"},
    "users/<int:pk>/reactivate/": {"pk": "user"},
    "users/<int:pk>/invite-again/": {"pk": "user"},
    "rfi/customers/<int:pk>/resend/": {"pk": "rfi_customer"},
    "rfi/<str:token>/": {"token": "rfi_token"},
    "webhooks/<int:pk>/": {"pk": "endpoint"},
    "webhooks/<int:pk>/edit/": {"pk": "endpoint"},
    "webhooks/<int:pk>/delete/": {"pk": "endpoint"},
    "webhooks/<int:pk>/test/": {"pk": "endpoint"},
    "webhooks/<int:pk>/secret/": {"pk": "endpoint"},
    "webhooks/<int:pk>/deliveries/<int:delivery_pk>/again/": {
        "pk": "endpoint",
        "delivery_pk": "delivery",
    },
    "profile/tokens/<int:pk>/revoke/": {"pk": "token"},
    "api/v1/prospects/imports/<int:pk>/": {"pk": "import"},
    "api/v1/prospects/<int:pk>/": {"pk": "prospect"},
    "api/v1/prospects/<int:pk>/order/": {"pk": "prospect"},
    "api/v1/prospects/<int:pk>/order/preview/": {"pk": "prospect"},
    "api/v1/prospects/<int:pk>/order/submit/": {"pk": "prospect"},
    "api/v1/customers/<int:pk>/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/agreements/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/agreements/<int:agreement_pk>/cancel-downsell/": {
        "pk": "customer",
        "agreement_pk": "agreement",
    },
    "api/v1/customers/<int:pk>/history/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/billed-seats/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/renewal/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/renewal/changes/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/renewal/changes/<int:renewal_change_pk>/": {
        "pk": "customer",
        "renewal_change_pk": "renewal_change",
    },
    "api/v1/customers/<int:pk>/contacts/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/contacts/<int:contact_pk>/": {
        "pk": "customer",
        "contact_pk": "contact",
    },
    "api/v1/customers/<int:pk>/notes/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/notes/<int:note_pk>/": {"pk": "customer", "note_pk": "note"},
    "api/v1/customers/<int:pk>/attachments/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/attachments/<int:attachment_pk>/": {
        "pk": "customer",
        "attachment_pk": "attachment",
    },
    "api/v1/customers/<int:pk>/change-quotes/": {"pk": "customer"},
    "api/v1/customers/<int:pk>/change-quotes/preview/": {"pk": "customer"},
    "api/v1/change-quotes/<int:pk>/": {"pk": "quote"},
    "api/v1/change-quotes/<int:pk>/submit/": {"pk": "quote"},
    "api/v1/users/<int:pk>/": {"pk": "user"},
    "api/v1/users/<int:pk>/deactivate/": {"pk": "user"},
    "api/v1/users/<int:pk>/reactivate/": {"pk": "user"},
    "api/v1/users/<int:pk>/invite-again/": {"pk": "user"},
    # Any number will do for these two: the query string is refused before the view looks.
    "accounts/sessions/<int:pk>/end/": {"pk": "token"},
    "profile/two-step/passkeys/<int:pk>/remove/": {"pk": "token"},
}
# Patterns written as regular expressions: a URL each matches.
REGEX_ROUTES = {"api/^": "api/no-such-endpoint/"}
# Pages a signed-in MSP user is sent away from: walked as nobody.
ANONYMOUS_PAGES = {
    "accounts/login/",
    "accounts/password-reset/",
    "accounts/reset/<uidb64>/<token>/",
    "rfi/<str:token>/",
}
# The search boxes of list pages say it under the box; the API in its JSON error.
LIST_PAGES = {
    "prospects/",
    "customers/in-progress/",
    "customers/complete/",
    "customers/renewals/",
    "customers/reconciliation/",
    "customers/former/",
    "companies/search/",
}


def routes() -> list[str]:
    """Every URL pattern of the portal outside the vendor console (Django's admin, walked
    through ``admin_urls``), as its route text."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns) if not route.startswith("admin/")]


def url_of(route: str, world: dict) -> str:
    if route in REGEX_ROUTES:
        return "/" + REGEX_ROUTES[route]
    ids = ROUTE_IDS.get(route, {})
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(world[ids[m.group(1)]]), route)


def admin_urls(world: dict) -> list[str]:
    """The vendor console: its index, the list, add and change page of every model, and its
    pages of their own (a customer's time line)."""
    urls = ["/admin/"]
    for model in admin_site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        urls += [base, f"{base}add/", f"{base}{first or 1}/change/"]
    urls.append(reverse("admin:companies_agreement_timeline", args=[world["customer"]]))
    urls += [reverse(name) for name in ("vendor_dashboard", *DOWNLOADS)]
    return urls


def reset_link(user) -> dict:
    return {
        "reset_uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "reset_token": default_token_generator.make_token(user),
    }


@dataclass
class Control:
    name: str
    value: str
    typed: bool  # a box a person types into: the message goes next to it
    multiline: bool = False
    posted: bool = True  # a tick box or radio button not ticked is not posted


@dataclass
class PageForm:
    actions: list[str]  # the form's own action first, then what htmx posts it to
    controls: list[Control] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons

    def targets(self) -> list[Control]:
        """One control per name: the inputs to feed."""
        return list({control.name: control for control in self.controls}.values())

    def data(self, button: tuple[str, str] | None) -> dict[str, list[str]]:
        """What a browser posts: each control's value, and the button pressed."""
        posted: dict[str, list[str]] = {}
        for control in self.controls:
            if control.posted:
                posted.setdefault(control.name, []).append(control.value)
        if button:
            posted[button[0]] = [button[1]]
        return posted


UNTYPED_INPUTS = {"hidden", "checkbox", "radio", "file", "submit", "button", "reset", "image"}


def post_forms(html: str, page_url: str) -> list[PageForm]:
    """The POST forms of a page, with their controls as the page fills them in."""
    tree = lxml.html.fromstring(html)
    forms = []
    for element in tree.iter("form"):
        if (element.get("method") or "get").lower() != "post":
            continue
        actions = [element.get("action") or page_url]
        actions += [e.get("hx-post") for e in element.iter() if e.get("hx-post")]
        form = PageForm(actions=list(dict.fromkeys(actions)))
        for control in element.iter("input", "select", "textarea", "button"):
            name = control.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            if control.tag == "button":
                if (control.get("type") or "submit") == "submit":
                    form.buttons.append((name, control.get("value") or ""))
                continue
            if control.tag == "textarea":
                form.controls.append(Control(name, control.text or "", True, multiline=True))
            elif control.tag == "select":
                chosen = [o.get("value", o.text or "") for o in control.iter("option")]
                selected = [
                    o.get("value", o.text or "")
                    for o in control.iter("option")
                    if o.get("selected") is not None
                ]
                form.controls.append(Control(name, (selected or chosen or [""])[0], False))
            else:
                kind = (control.get("type") or "text").lower()
                if kind in ("submit", "button", "reset", "image", "file"):
                    continue
                if kind in ("checkbox", "radio"):
                    # Not ticked, still an input the form reads: fed too.
                    ticked = control.get("checked") is not None
                    value = control.get("value") or "on"
                    form.controls.append(Control(name, value, False, posted=ticked))
                    continue
                form.controls.append(
                    Control(name, control.get("value") or "", kind not in UNTYPED_INPUTS)
                )
        if form.controls:
            forms.append(form)
    return forms


# Written by any request, refused or not, without anything the user sent: the session, the
# API's rate counts and a token's last use; and the reconciliation's kept rows, worked out from
# the data when Customers | Reconciliation is read.
NOT_DATA = {
    "sessions.Session",
    "core.RateCount",
    "usage.Reconciliation",
    "usage.ReconciliationDue",
}
# Touched by any request (a session's at most once a minute): a walk over every page that takes
# longer than a minute on a busy machine moves it, refused request or not.
NOT_DATA_FIELDS = {"api.ApiToken": {"last_used_at"}, "accounts.UserSession": {"last_seen_at"}}


def snapshot() -> dict:
    """Every row of every table: a refused request must leave it as it was."""
    rows = {}
    for model in apps.get_models():
        if model._meta.label in NOT_DATA or not model._meta.managed:
            continue
        skip = NOT_DATA_FIELDS.get(model._meta.label, set())
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values(*names))
    return rows


def hostile(value: str, char: str) -> str:
    """A plausible value with the character inside it, where a person's paste would put it."""
    return f"{value or 'Acme'}{char}x"


def assert_refused_char(char: str, *, multiline: bool = False) -> str:
    what = problem(char, multiline=multiline)
    assert what, f"{char!r} is not refused"
    return what
