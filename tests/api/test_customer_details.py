"""The API's Edit Details (PATCH a customer), contacts and notes: the screen's rules, its
History Log entries, 409 for a stale edit, 404 for another MSP's customer or a note one may not
change."""

import pytest

from portal.accounts.models import User
from portal.companies.models import CustomerContact, CustomerNote
from portal.core.history import history_for
from tests.fixtures.factories import make_company, make_user

V1 = "/api/v1"


@pytest.fixture
def lead2(acme):
    return make_user(acme, role=User.Role.SALES, email="lead2@acme.test", lead=True)


def customer_url(company, rest="") -> str:
    return f"{V1}/customers/{company.pk}/{rest}"


def test_patch_changes_the_details_in_one_history_entry(sales_api, acme_sales, northwind, lead2):
    read = sales_api.get(customer_url(northwind)).json()

    response = sales_api.patch(
        customer_url(northwind),
        {
            "website": "northwind.example",
            "sector": "retail",
            "secondary_contact": lead2.pk,
            "updated_at": read["updated_at"],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["website"] == "https://northwind.example"
    assert body["sector"] == "retail" and body["secondary_contact"] == lead2.pk
    entry = history_for(northwind).first()
    assert entry.actor == acme_sales
    assert entry.changes["Website"] == ["", "https://northwind.example"]
    assert entry.changes["Secondary implementation contact"] == [None, str(lead2)]
    history = sales_api.get(customer_url(northwind, "history/")).json()
    assert history[0]["summary"].startswith("Changed website")


def test_patch_with_a_stale_updated_at_is_409_and_names_who_changed_it(
    sales_api, admin_api, acme_admin, northwind
):
    read = sales_api.get(customer_url(northwind)).json()
    admin_api.patch(customer_url(northwind), {"sector": "legal"}, format="json")

    response = sales_api.patch(
        customer_url(northwind),
        {"sector": "retail", "updated_at": read["updated_at"]},
        format="json",
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "changed_since"
    assert str(acme_admin) in error["message"] and "since you opened it" in error["message"]
    northwind.refresh_from_db()
    assert northwind.sector == "legal"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"website": "not a site"}, "website", "Enter a valid URL."),
        ({"implementation_lead": None}, "implementation_lead", "null"),
        ({"implementation_lead": 999999}, "implementation_lead", "implementation leads"),
        ({"secondary_contact": "LEAD"}, "secondary_contact", "Choose someone other than"),
        ({"sector": "space"}, "sector", "not a valid choice"),
        ({"website": "a\u0000b.example"}, "website", "U+0000"),
    ],
)
def test_bad_details_are_refused_with_the_field_named(sales_api, northwind, body, field, message):
    if body.get("secondary_contact") == "LEAD":
        body = {"secondary_contact": northwind.implementation_lead_id}
    before = history_for(northwind).count()

    response = sales_api.patch(customer_url(northwind), body, format="json")

    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert message in " ".join(fields[field]), fields
    assert history_for(northwind).count() == before


def test_a_lead_of_another_msp_is_refused(sales_api, northwind, outsider):
    response = sales_api.patch(
        customer_url(northwind), {"implementation_lead": outsider.pk}, format="json"
    )

    assert response.status_code == 400
    assert "implementation_lead" in response.json()["error"]["fields"]


def test_another_msps_customer_is_404_for_every_operation(outsider_api, northwind, acme_admin):
    from portal.companies import contacts, notes

    contact = contacts.contact_add(company=northwind, actor=acme_admin, name="Jane Doe")
    note = notes.note_add(company=northwind, actor=acme_admin, text="Secret")
    calls = [
        ("patch", customer_url(northwind), {"sector": "legal"}),
        ("get", customer_url(northwind, "contacts/"), None),
        ("post", customer_url(northwind, "contacts/"), {"name": "Mallory"}),
        ("patch", customer_url(northwind, f"contacts/{contact.pk}/"), {"role": "x"}),
        ("delete", customer_url(northwind, f"contacts/{contact.pk}/"), None),
        ("get", customer_url(northwind, "notes/"), None),
        ("post", customer_url(northwind, "notes/"), {"text": "x"}),
        ("patch", customer_url(northwind, f"notes/{note.pk}/"), {"text": "x"}),
        ("delete", customer_url(northwind, f"notes/{note.pk}/"), None),
    ]
    for method, url, body in calls:
        response = getattr(outsider_api, method)(url, body, format="json")

        assert response.status_code == 404, (method, url, response.content)
        assert b"Northwind" not in response.content and b"Secret" not in response.content
    assert CustomerContact.objects.get() == contact and CustomerNote.objects.get() == note
    northwind.refresh_from_db()
    assert northwind.sector != "legal"


def test_a_prospects_contacts_are_not_under_customers(sales_api, acme):
    prospect = make_company(acme, "Tailspin Toys")

    assert sales_api.get(customer_url(prospect, "contacts/")).status_code == 404


def test_contacts_crud_with_history(sales_api, northwind):
    created = sales_api.post(
        customer_url(northwind, "contacts/"),
        {"name": "Jane Doe", "role": "CTO", "email": "Jane@Northwind.example"},
        format="json",
    )
    assert created.status_code == 201, created.content
    contact = created.json()
    assert contact["email"] == "jane@northwind.example"
    url = customer_url(northwind, f"contacts/{contact['id']}/")

    changed = sales_api.patch(url, {"phone": "+1 555 0100"}, format="json")
    listed = sales_api.get(customer_url(northwind, "contacts/")).json()
    removed = sales_api.delete(url)

    assert changed.status_code == 200 and changed.json()["phone"] == "+1 555 0100"
    assert [c["name"] for c in listed] == ["Jane Doe"]
    assert removed.status_code == 204
    summaries = [e.summary for e in history_for(northwind)[:3]]
    assert summaries == [
        "Contact removed: Jane Doe (CTO)",
        "Contact changed: Jane Doe",
        "Contact added: Jane Doe (CTO)",
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Jane", "email": "jane@"}, "email"),
        ({"name": "Jane", "phone": "call me"}, "phone"),
        ({"name": "J" * 151}, "name"),
        ({"name": "Jane\u0000"}, "name"),
        ({"name": "Jane", "role": "CTO\nCEO"}, "role"),
    ],
)
def test_a_bad_contact_is_refused(sales_api, northwind, body, field):
    response = sales_api.post(customer_url(northwind, "contacts/"), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not CustomerContact.objects.exists()


def test_the_fifty_first_contact_is_409(sales_api, northwind):
    CustomerContact.objects.bulk_create(
        CustomerContact(company=northwind, name=f"Person {n}") for n in range(50)
    )

    response = sales_api.post(customer_url(northwind, "contacts/"), {"name": "X"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "too_many_contacts"


def test_notes_crud_newest_first_with_author_and_history(sales_api, acme_sales, northwind):
    first = sales_api.post(
        customer_url(northwind, "notes/"), {"text": "First.\nTwo lines."}, format="json"
    )
    second = sales_api.post(customer_url(northwind, "notes/"), {"text": "Second."}, format="json")
    assert first.status_code == 201, first.content
    note = second.json()
    assert note["author"] == acme_sales.pk and note["author_name"] == str(acme_sales)
    assert note["may_change"] is True and note["edited_at"] is None

    page = sales_api.get(customer_url(northwind, "notes/")).json()
    edited = sales_api.patch(
        customer_url(northwind, f"notes/{note['id']}/"), {"text": "Second, edited."}, format="json"
    )
    deleted = sales_api.delete(customer_url(northwind, f"notes/{first.json()['id']}/"))

    assert [n["text"] for n in page["results"]] == ["Second.", "First.\nTwo lines."]
    assert page["count"] == 2
    assert edited.status_code == 200 and edited.json()["edited_at"]
    assert deleted.status_code == 204
    summaries = [e.summary for e in history_for(northwind)[:2]]
    assert summaries == ["Note deleted", "Note edited"]


def test_a_sales_user_cannot_change_an_admins_note_but_reads_it(sales_api, acme_admin, northwind):
    from portal.companies import notes

    note = notes.note_add(company=northwind, actor=acme_admin, text="The Admin's note")
    url = customer_url(northwind, f"notes/{note.pk}/")

    read = sales_api.get(url)
    patched = sales_api.patch(url, {"text": "mine"}, format="json")
    deleted = sales_api.delete(url)

    assert read.status_code == 200 and read.json()["may_change"] is False
    assert patched.status_code == 404 and deleted.status_code == 404
    note.refresh_from_db()
    assert note.text == "The Admin's note"


@pytest.mark.parametrize("text", ["", "x" * 5001, "bad\u0000"])
def test_a_bad_note_is_refused(sales_api, northwind, text):
    response = sales_api.post(customer_url(northwind, "notes/"), {"text": text}, format="json")

    assert response.status_code == 400
    assert "text" in response.json()["error"]["fields"]
    assert not CustomerNote.objects.exists()
