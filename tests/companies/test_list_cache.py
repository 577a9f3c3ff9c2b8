"""The Prospect List's content is kept between requests, and never shown older than its data:
whatever writes what the list shows — a service, a bulk update, SQL — the next request shows
it (the triggers of migration 0021 count the change in the writer's transaction)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import User
from portal.catalog.models import Product
from portal.companies.list_cache import LOOKUPS
from portal.companies.models import Company
from portal.orders.models import Order
from tests.fixtures.factories import make_company, make_product, make_user

LIST = reverse("prospects:list")


@pytest.fixture
def signed_in(client, acme_admin):
    client.force_login(acme_admin)
    return client


def page(client, path=LIST, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def lookups(result: str) -> float:
    return LOOKUPS.labels("ProspectListView", result)._value.get()


def test_the_same_list_asked_again_is_answered_from_what_was_kept(signed_in, acme):
    make_company(acme, "Alpine Dental")
    first = page(signed_in)
    hits = lookups("hit")

    with CaptureQueriesContext(connection) as again:
        second = page(signed_in)

    assert main(second) == main(first)
    assert "Alpine Dental" in second
    assert lookups("hit") == hits + 1
    # The session, the user, the two-step check and the count of changes; nothing of the list.
    assert not any('"companies_company"' in query["sql"] for query in again.captured_queries)


@pytest.mark.parametrize(
    "change",
    [
        "created",
        "renamed_by_save",
        "renamed_by_update",
        "renamed_by_sql",
        "deleted",
        "became_a_customer",
    ],
)
def test_a_change_to_a_prospect_shows_on_the_next_request(signed_in, acme, change):
    company = make_company(acme, "Alpine Dental")
    assert "Alpine Dental" in page(signed_in)

    match change:
        case "created":
            make_company(acme, "Beacon Legal")
            shown, gone = "Beacon Legal", None
        case "renamed_by_save":
            company.name = "Alpine Orthodontics"
            company.save()
            shown, gone = "Alpine Orthodontics", "Alpine Dental"
        case "renamed_by_update":
            Company.objects.filter(pk=company.pk).update(name="Alpine Orthodontics")
            shown, gone = "Alpine Orthodontics", "Alpine Dental"
        case "renamed_by_sql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE companies_company SET name = %s WHERE id = %s",
                    ["Alpine Orthodontics", company.pk],
                )
            shown, gone = "Alpine Orthodontics", "Alpine Dental"
        case "deleted":
            company.delete()
            shown, gone = None, "Alpine Dental"
        case "became_a_customer":
            Company.objects.filter(pk=company.pk).update(status=Company.Status.IN_PROGRESS)
            shown, gone = None, "Alpine Dental"

    html = page(signed_in)
    if shown:
        assert shown in html
    if gone:
        assert gone not in html


def test_a_saved_order_marks_the_prospect_at_once_and_stops_when_it_goes(signed_in, acme):
    company = make_company(acme, "Alpine Dental")
    assert "Saved order" not in page(signed_in)

    order = Order.objects.create(company=company, status=Order.Status.DRAFT)
    assert "Saved order" in page(signed_in)

    order.delete()
    assert "Saved order" not in page(signed_in)


def test_a_new_implementation_lead_is_offered_by_the_filter_at_once(signed_in, acme):
    make_company(acme, "Alpine Dental")
    assert "Quinn Lead" not in page(signed_in)

    lead = make_user(acme, lead=True, full_name="Quinn Lead")
    assert "Quinn Lead" in page(signed_in)

    User.objects.filter(pk=lead.pk).update(full_name="Quinn Renamed")
    html = page(signed_in)
    assert "Quinn Renamed" in html and "Quinn Lead" not in html

    User.objects.filter(pk=lead.pk).update(is_implementation_lead=False)
    assert "Quinn Renamed" not in page(signed_in)


def test_a_product_enabled_renamed_or_retired_is_in_the_filter_at_once(signed_in, acme):
    make_company(acme, "Alpine Dental")
    product = make_product("Z9", name="Zebra Backup")
    assert "Zebra Backup" not in page(signed_in)

    acme.products.add(product)
    assert "Zebra Backup" in page(signed_in)

    Product.objects.filter(pk=product.pk).update(name="Zebra Archive")
    assert "Zebra Archive" in page(signed_in)

    Product.objects.filter(pk=product.pk).update(is_active=False)
    assert "Zebra Archive" not in page(signed_in)

    Product.objects.filter(pk=product.pk).update(is_active=True)
    acme.products.remove(product)
    assert "Zebra Archive" not in page(signed_in)


def test_a_list_that_never_had_a_company_is_rendered_anew_each_time(signed_in, acme):
    # No tally row yet counts its changes: a new lead must still be offered at once.
    assert "Quinn Lead" not in page(signed_in)

    make_user(acme, lead=True, full_name="Quinn Lead")

    assert "Quinn Lead" in page(signed_in)


def test_another_partners_change_leaves_the_list_kept(signed_in, acme, globex):
    make_company(acme, "Alpine Dental")
    page(signed_in)
    hits = lookups("hit")

    make_company(globex, "Quartz Outsiders")
    html = page(signed_in)

    assert lookups("hit") == hits + 1
    assert "Quartz Outsiders" not in html


def test_each_user_gets_their_own_my_accounts(client, acme, acme_admin, acme_sales):
    # The same URL lists other companies for each lead: the kept content is per user.
    other = make_user(acme, lead=True, role=User.Role.SALES)
    make_company(acme, "Admin Account", implementation_lead=acme_admin)
    make_company(acme, "Other Account", implementation_lead=other)

    client.force_login(acme_admin)
    mine = page(client, mine="1")
    client.force_login(other)
    theirs = page(client, mine="1")

    assert "Admin Account" in mine and "Other Account" not in mine
    assert "Other Account" in theirs and "Admin Account" not in theirs


def test_the_page_around_the_kept_content_is_the_requests_own(signed_in, acme, acme_admin):
    make_company(acme, "Alpine Dental")
    page(signed_in)
    other_browser = Client(enforce_csrf_checks=True)
    other_browser.force_login(acme_admin)
    hits = lookups("hit")

    html = page(other_browser)

    assert lookups("hit") == hits + 1
    # Its CSRF token is this browser's own, not that of the browser the content was made for.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    response = other_browser.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_refused_query_is_never_kept(signed_in, acme):
    make_company(acme, "Alpine Dental")
    misses = lookups("miss")

    for _ in range(2):
        assert signed_in.get(LIST, {"q": "al\x00pine"}).status_code == 400

    assert lookups("miss") == misses + 2


def test_with_no_entries_allowed_nothing_is_kept(signed_in, acme, settings):
    # LIST_CACHE_ENTRIES=0 (config/settings.py)
    settings.CACHES = {
        **settings.CACHES,
        "lists": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    make_company(acme, "Alpine Dental")
    page(signed_in)
    asked = lookups("hit"), lookups("miss")

    assert "Alpine Dental" in page(signed_in)
    assert (lookups("hit"), lookups("miss")) == asked  # not even looked for


def test_the_triggers_that_count_changes_are_all_installed(db):
    # SQLite drops a table's triggers when a migration copies the table into a new one: a later
    # migration that does so must make them again, or kept lists would go stale.
    from importlib import import_module

    expected = import_module("portal.companies.migrations.0021_list_changes").TRIGGERS
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        found = cursor.fetchall()
    for table, names in expected[connection.vendor].items():
        assert names <= {name for on, name in found if on == table}, table
