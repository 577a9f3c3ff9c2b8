"""Personal API tokens: made on the profile page, shown once, stored hashed, revoked."""

import re

from django.test import Client

from portal.api.models import ApiToken, token_digest
from portal.api.tokens import token_create
from portal.core.history import history_for
from tests.fixtures.api import client_for


def profile_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_token_is_shown_once_stored_hashed_and_works_as_its_user(acme_admin):
    page = profile_client(acme_admin).post("/profile/", {"name": "ConnectWise sync"})

    assert page.status_code == 200
    raw = re.search(r'value="(msp_[^"]+)"', page.content.decode()).group(1)
    token = ApiToken.objects.get(user=acme_admin)
    assert token.digest == token_digest(raw) and raw not in (token.digest, token.prefix)
    assert raw.startswith(token.prefix)
    assert "Copy it now" in page.content.decode()
    # Shown once: the page afterwards lists it by name and prefix only.
    again = profile_client(acme_admin).get("/profile/").content.decode()
    assert raw not in again and f"{token.prefix}…" in again and "ConnectWise sync" in again

    api = Client(headers={"Authorization": f"Bearer {raw}"})
    answer = api.get("/api/v1/prospects/")
    assert answer.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    summaries = [e.summary for e in history_for(acme_admin)]
    assert any("ConnectWise sync" in s and "created" in s for s in summaries)


def test_a_revoked_token_is_refused_with_401(acme_admin):
    token, raw = token_create(user=acme_admin, name="PSA")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/prospects/").status_code == 200

    revoked = profile_client(acme_admin).post(f"/profile/tokens/{token.pk}/revoke/")

    assert revoked.status_code == 302
    answer = api.get("/api/v1/prospects/")
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "This API token is unknown or was revoked."
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_an_unknown_token_and_no_token_are_refused_with_401(db):
    unknown = Client(headers={"Authorization": "Bearer msp_made_up"})
    assert unknown.get("/api/v1/price-list/").status_code == 401
    nobody = Client().get("/api/v1/price-list/")
    assert nobody.status_code == 401
    assert nobody.json()["error"]["code"] == "not_authenticated"


def test_a_deactivated_users_token_stops_working(acme_admin, acme_sales):
    api = client_for(acme_sales)
    acme_sales.is_active = False
    acme_sales.save()
    assert api.get("/api/v1/prospects/").status_code == 401


def test_nobody_revokes_another_users_token(acme_admin, acme_sales, outsider):
    token, _ = token_create(user=acme_sales, name="Sales script")
    for user in (acme_admin, outsider):
        answer = profile_client(user).post(f"/profile/tokens/{token.pk}/revoke/")
        assert answer.status_code == 404
    token.refresh_from_db()
    assert token.active


def test_a_token_name_is_required_and_unique_among_active_tokens(acme_admin):
    token_create(user=acme_admin, name="PSA")
    client = profile_client(acme_admin)

    empty = client.post("/profile/", {"name": ""})
    twice = client.post("/profile/", {"name": "psa"})

    assert empty.status_code == twice.status_code == 400
    assert "This field is required." in empty.content.decode()
    assert "You have an active token of that name already." in twice.content.decode()
    assert ApiToken.objects.filter(user=acme_admin).count() == 1


def test_vendor_staff_have_no_profile_page_and_no_api(staff):
    assert profile_client(staff).get("/profile/").status_code == 404
    _, raw = token_create(user=staff, name="staff")
    answer = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/prospects/")
    assert answer.status_code == 404


def test_deactivating_a_user_revokes_their_tokens_for_good(acme_admin, acme_sales):
    from portal.accounts.services import user_deactivate, user_reactivate

    api = client_for(acme_sales)
    user_deactivate(user=acme_sales, actor=acme_admin)
    user_reactivate(user=acme_sales, actor=acme_admin)

    assert api.get("/api/v1/prospects/").status_code == 401
    assert not ApiToken.objects.filter(user=acme_sales, revoked_at__isnull=True).exists()
    assert any("1 API token revoked" in e.summary for e in history_for(acme_sales))


def test_the_page_showing_a_new_token_is_not_cached(acme_admin):
    page = profile_client(acme_admin).post("/profile/", {"name": "PSA"})
    assert "no-store" in page["Cache-Control"]


def test_guessing_tokens_from_one_address_is_slowed_down(db, settings):
    settings.API_WRONG_TOKENS_PER_MINUTE = 3
    guesser = Client(headers={"Authorization": "Bearer msp_guess"})

    codes = [guesser.get("/api/v1/prospects/").status_code for _ in range(5)]

    assert codes == [401, 401, 401, 429, 429]
    assert 1 <= int(guesser.get("/api/v1/prospects/").headers["Retry-After"]) <= 60


def test_a_token_tells_whose_it_is_and_which_leads_it_can_name(admin_api, acme_admin, outsider):
    me = admin_api.get("/api/v1/me/").json()
    leads = admin_api.get("/api/v1/implementation-leads/").json()

    assert (me["id"], me["partner_name"], me["role"]) == (
        acme_admin.pk,
        "Acme IT Services",
        "admin",
    )
    assert [lead["id"] for lead in leads] == [acme_admin.pk]  # not Globex's lead


def test_switching_a_user_off_in_the_vendor_console_revokes_their_tokens(staff, acme_sales):
    api = client_for(acme_sales)
    console = Client()
    console.force_login(staff)
    page = console.get(f"/admin/accounts/user/{acme_sales.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "partner": acme_sales.partner_id,
            "date_joined_0": acme_sales.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": acme_sales.date_joined.strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
        }
    )
    data.pop("is_active")  # unticked
    data.pop("last_login", None)
    data.pop("date_joined", None)

    saved = console.post(f"/admin/accounts/user/{acme_sales.pk}/change/", data)

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    acme_sales.refresh_from_db()
    assert not acme_sales.is_active
    assert not ApiToken.objects.filter(user=acme_sales, revoked_at__isnull=True).exists()
    assert api.get("/api/v1/me/").status_code == 401
