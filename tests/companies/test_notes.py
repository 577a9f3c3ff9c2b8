"""Notes on a company: author and time, newest first, paged; changed or deleted only by their
author or an Admin ("edited" shown); each in the History Log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.companies import notes
from portal.companies.models import Company, CustomerNote
from portal.core.history import history_for
from tests.fixtures.factories import make_company, make_user


@pytest.fixture
def customer(acme, acme_admin):
    return make_company(
        acme,
        "Contoso Pharmaceuticals",
        status=Company.Status.COMPLETE,
        implementation_lead=acme_admin,
    )


@pytest.fixture
def sales_note(customer, acme_sales):
    return notes.note_add(company=customer, actor=acme_sales, text="Wants 20 more seats in May.")


def page(client, company, query=""):
    return client.get(reverse("companies:detail", args=[company.pk]) + query).content.decode()


def test_adding_a_note_shows_it_with_author_and_time_and_logs_it(client, acme_sales, customer):
    client.force_login(acme_sales)

    response = client.post(
        reverse("companies:note_add", args=[customer.pk]),
        {"note-text": "Call back on Monday.\nAsk about Macs."},
    )

    assert response.status_code == 302
    note = CustomerNote.objects.get()
    assert note.author == acme_sales and note.text == "Call back on Monday.\nAsk about Macs."
    html = page(client, customer)
    assert "Call back on Monday.<br>Ask about Macs." in html
    assert str(acme_sales) in html
    assert "Note added: Call back on Monday. Ask about Macs." in html


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Write the note."), ("x" * 5001, "at most 5,000 characters"), ("bad\x00", "U+0000")],
)
def test_a_bad_note_is_refused_next_to_the_field(client, acme_sales, customer, text, message):
    client.force_login(acme_sales)

    response = client.post(reverse("companies:note_add", args=[customer.pk]), {"note-text": text})

    assert response.status_code == 200
    assert message in " ".join(response.context["note_form"].errors["text"])
    assert not CustomerNote.objects.exists() and not history_for(customer).exists()


def test_a_note_of_5000_characters_is_taken(customer, acme_sales):
    assert notes.note_errors("x" * 5000) == {}


def test_notes_are_newest_first_and_paged(client, acme_sales, customer):
    start = timezone.now() - datetime.timedelta(days=1)
    CustomerNote.objects.bulk_create(
        CustomerNote(
            company=customer,
            author=acme_sales,
            text=f"Note number {n:02d}",
            created_at=start + datetime.timedelta(minutes=n),
        )
        for n in range(notes.PAGE + 2)
    )
    client.force_login(acme_sales)

    first = page(client, customer)
    second = page(client, customer, "?notes=2")

    assert first.index("Note number 11") < first.index("Note number 02")
    assert "Note number 01" not in first and "Older notes" in first
    assert "Note number 01" in second and "Note number 00" in second
    assert "Newer notes" in second


def test_its_author_edits_a_note_and_it_shows_edited(client, acme_sales, customer, sales_note):
    client.force_login(acme_sales)

    response = client.post(
        reverse("companies:note_edit", args=[customer.pk, sales_note.pk]),
        {"edit-text": "Wants 30 more seats in May."},
    )

    assert response.status_code == 302
    sales_note.refresh_from_db()
    assert sales_note.text == "Wants 30 more seats in May." and sales_note.edited_at
    assert "(edited" in page(client, customer)
    entry = history_for(customer).first()
    assert entry.summary == "Note edited"
    assert entry.changes == {"Note": ["Wants 20 more seats in May.", "Wants 30 more seats in May."]}


def test_an_admin_may_change_anyones_note(client, acme_admin, customer, sales_note):
    client.force_login(acme_admin)

    response = client.post(reverse("companies:note_remove", args=[customer.pk, sales_note.pk]))

    assert response.status_code == 302
    assert not CustomerNote.objects.exists()
    assert history_for(customer).first().summary == "Note deleted"


def test_another_sales_user_sees_the_note_but_cannot_change_it(client, acme, customer, sales_note):
    colleague = make_user(acme, email="colleague@acme.test")
    client.force_login(colleague)

    html = page(client, customer)
    edit = reverse("companies:note_edit", args=[customer.pk, sales_note.pk])
    remove = reverse("companies:note_remove", args=[customer.pk, sales_note.pk])

    assert "Wants 20 more seats" in html and edit not in html
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"edit-text": "mine now"}).status_code == 404
    assert client.post(remove).status_code == 404
    sales_note.refresh_from_db()
    assert sales_note.text == "Wants 20 more seats in May."


def test_another_msp_gets_404(client, outsider, customer, sales_note):
    client.force_login(outsider)

    assert (
        client.post(
            reverse("companies:note_add", args=[customer.pk]), {"note-text": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("companies:note_remove", args=[customer.pk, sales_note.pk])).status_code
        == 404
    )
    assert CustomerNote.objects.count() == 1


def test_a_prospect_has_notes_too(client, acme_sales, acme):
    prospect = make_company(acme, "Tailspin Toys")
    client.force_login(acme_sales)

    client.post(
        reverse("companies:note_add", args=[prospect.pk]), {"note-text": "Met at the fair."}
    )

    assert "Met at the fair." in page(client, prospect)
