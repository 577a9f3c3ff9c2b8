"""Counts in messages read as English: "1 prospect", "2 prospects", never "prospect(s)"."""

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from portal.companies.models import CompanyProduct
from portal.core.models import OutgoingMessage
from portal.prospects.importing import limit_text
from portal.prospects.models import ProspectImport
from tests.fixtures.factories import PASSWORD, make_company, make_product


def test_an_import_time_limit_of_one_second_is_one_second():
    assert limit_text(1) == "1 second"
    assert limit_text(45) == "45 seconds"
    assert limit_text(300) == "5 minutes"


def test_a_product_with_one_seat_says_one_seat(db, acme, client, acme_sales):
    company = make_company(acme, "Solo Dental")
    one = CompanyProduct.objects.create(company=company, product=make_product("S1"), seats=1)
    many = CompanyProduct.objects.create(company=company, product=make_product("A1"), seats=12)
    client.force_login(acme_sales)

    html = client.get(reverse("companies:detail", args=[company.pk])).content.decode()

    assert (str(one), str(many)) == ("S1 (1 seat)", "A1 (12 seats)")
    assert " — 1 seat</li>" in html
    assert " — 12 seats</li>" in html


def test_a_session_idle_one_minute_too_long_says_one_minute(acme_sales, settings, time_machine):
    settings.SESSION_IDLE_MINUTES = 1
    time_machine.move_to("2026-11-30 09:00:00+00:00", tick=False)
    client = Client()
    client.post(reverse("login"), {"username": acme_sales.email, "password": PASSWORD})
    time_machine.move_to("2026-11-30 09:01:30+00:00", tick=False)

    response = client.get(reverse("prospects:list"), follow=True)

    assert "signed out after 1 minute without activity" in response.content.decode()


def test_sessions_page_says_one_hour_for_a_one_hour_limit(client, acme_sales, settings):
    settings.SESSION_IDLE_MINUTES = 1
    settings.SESSION_MAX_HOURS = 1
    client.force_login(acme_sales)

    html = client.get(reverse("sessions")).content.decode()

    assert "after 1 minute without activity and 1 hour after signing in" in html


def test_resending_one_failed_message_says_one_message(client, staff):
    failed = OutgoingMessage.objects.create(
        template="password_reset",
        to=["someone@acme-msp.example"],
        subject="Choose a new password",
        text_body="A failed e-mail.",
        status=OutgoingMessage.Status.FAILED,
    )
    client.force_login(staff)

    response = client.post(
        reverse("admin:core_outgoingmessage_changelist"),
        {"action": "retry", "_selected_action": [failed.pk]},
        follow=True,
    )

    assert "1 message queued again." in response.content.decode()


def test_an_rfi_link_that_lasts_one_day_says_one_day():
    html = render_to_string("rfi/link_problem.html", {"kind": "expired", "max_age_days": 1})

    assert "work for 1 day." in html


def test_saving_one_prospect_says_one_prospect(acme):
    upload = ProspectImport(pk=1, partner=acme, status=ProspectImport.Status.SAVING, total_rows=1)

    html = render_to_string("prospects/_upload_progress.html", {"upload": upload})

    assert "Saving 1 prospect…" in html
