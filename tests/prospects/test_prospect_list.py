import datetime

import pytest
from django.urls import reverse

from portal.accounts.services import user_update
from portal.companies.models import Company
from portal.orders.models import Order
from portal.prospects.views import ProspectListView
from tests.fixtures.factories import make_company


@pytest.fixture
def listing(client, acme_sales):
    client.force_login(acme_sales)

    def get(**params):
        response = client.get(reverse("prospects:list"), params)
        assert response.status_code == 200
        return [company.name for company in response.context["page"].object_list]

    return get


@pytest.fixture
def some(acme, globex):
    today = datetime.date(2027, 1, 1)
    rows = [
        ("Alpine Dental", "alpine.example", 30, 3),
        ("alpha freight", "zeta.example", 500, 1),
        ("3 Rivers Credit Union", "rivers.example", 80, 2),
        ("Beacon Legal", "beacon.example", 5, 4),
    ]
    for name, domain, users, days in rows:
        make_company(
            acme,
            name,
            domain=domain,
            permitted_users=users,
            expected_provision_date=today + datetime.timedelta(days=days),
        )
    make_company(acme, "Alpine Customer", status=Company.Status.COMPLETE)
    make_company(globex, "Alpine Outsiders")


def test_list_shows_only_the_msps_own_prospects_by_name(listing, some):
    assert listing() == ["3 Rivers Credit Union", "alpha freight", "Alpine Dental", "Beacon Legal"]


def test_search_matches_any_part_of_the_name_ignoring_case(listing, some):
    assert listing(q="PINE") == ["Alpine Dental"]
    assert listing(q="al") == ["alpha freight", "Alpine Dental", "Beacon Legal"]


def test_letter_narrows_and_combines_with_the_search(listing, some):
    assert listing(letter="A") == ["alpha freight", "Alpine Dental"]
    assert listing(letter="a", q="den") == ["Alpine Dental"]
    assert listing(letter="#") == ["3 Rivers Credit Union"]


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("name", "3 Rivers Credit Union", "Beacon Legal"),
        ("domain", "Alpine Dental", "alpha freight"),
        ("users", "Beacon Legal", "alpha freight"),
        ("provision", "alpha freight", "Beacon Legal"),
    ],
)
def test_every_column_sorts_a_to_z_then_z_to_a(listing, some, sort, first, last):
    ascending = listing(sort=sort)
    descending = listing(sort=f"-{sort}")

    assert (ascending[0], ascending[-1]) == (first, last)
    assert descending == ascending[::-1]


def test_sort_by_lead_and_last_changed(listing, acme, acme_admin, acme_sales):
    make_company(acme, "Zed", lead_name="Anna")
    make_company(acme, "Amy", lead_name="Zoe")

    assert listing(sort="lead") == ["Zed", "Amy"]
    assert listing(sort="-changed") == ["Amy", "Zed"]


def test_header_links_flip_the_direction_and_show_an_arrow(client, acme_sales, some):
    client.force_login(acme_sales)

    html = client.get(reverse("prospects:list"), {"sort": "users", "q": "a"}).content.decode()

    assert 'aria-sort="ascending"' in html
    assert "?sort=-users&amp;q=a" in html or "?q=a&amp;sort=-users" in html
    assert "▲" in html


def test_unknown_sort_and_page_fall_back_to_defaults(listing, some):
    assert listing(sort="password", page="x")[0] == "3 Rivers Credit Union"


def test_pages_follow_each_other_without_overlap(listing, acme):
    for i in range(120):
        make_company(acme, f"Company {i:03}")

    pages = [listing(page=n) for n in (1, 2, 3)]

    assert [len(page) for page in pages] == [50, 50, 20]
    assert sum(pages, []) == [f"Company {i:03}" for i in range(120)]
    assert listing(page=99) == pages[2]  # past the end shows the last page


def test_query_count_does_not_grow_with_the_list(
    client, acme, acme_sales, django_assert_max_num_queries
):
    client.force_login(acme_sales)
    make_company(acme, "First")
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("prospects:list"))
    for i in range(150):
        make_company(acme, f"Company {i:03}", lead_name="Lee")

    for params in ({}, {"page": 3}, {"q": "com"}, {"letter": "C"}, {"sort": "-lead"}):
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(reverse("prospects:list"), params)


def test_empty_list_says_what_to_do_next(client, acme_sales):
    client.force_login(acme_sales)

    html = client.get(reverse("prospects:list")).content.decode()

    assert "No prospects yet" in html
    assert "Create Prospect" in html


def test_renaming_a_lead_keeps_the_lead_column_in_step(acme, acme_admin):
    company = make_company(acme, "Zed", implementation_lead=acme_admin, lead_name="old")

    user_update(
        user=acme_admin,
        actor=acme_admin,
        role="admin",
        is_implementation_lead=True,
        full_name="Alice Archer",
    )

    company.refresh_from_db()
    assert company.lead_name == "Alice Archer"


def test_a_broad_search_lists_its_first_matches_and_says_so(client, acme, acme_sales, monkeypatch):
    monkeypatch.setattr(ProspectListView, "search_cap", 60)
    for i in range(70):
        make_company(acme, f"Match {i:03}")
    client.force_login(acme_sales)

    first = client.get(reverse("prospects:list"), {"q": "match"})
    last = client.get(reverse("prospects:list"), {"q": "match", "page": 2})

    assert "1–50 of the first 60 of more prospects" in first.content.decode()
    assert "add letters to the search" in first.content.decode()
    assert [c.name for c in last.context["page"].object_list][-1] == "Match 059"


@pytest.mark.parametrize("sort", ["provision", "-provision", "users", "-lead"])
def test_pages_read_from_either_end_join_up_even_with_empty_values(listing, acme, sort):
    for i in range(120):
        make_company(
            acme,
            f"Company {i:03}",
            permitted_users=(i % 7) or None,
            lead_name=f"L{i % 5}",
            expected_provision_date=datetime.date(2027, 1, 1 + i % 28) if i % 3 else None,
        )

    pages = [listing(sort=sort, page=n) for n in (1, 2, 3)]

    names = sum(pages, [])
    assert len(names) == len(set(names)) == 120


def test_each_prospect_has_a_provision_button_to_its_order_form(client, acme, acme_sales):
    prospect = make_company(acme, "Alpine Dental")
    client.force_login(acme_sales)

    html = client.get(reverse("prospects:list")).content.decode()

    order_form = reverse("orders:review", args=[prospect.pk])
    assert f'<a class="button" href="{order_form}">Provision</a>' in html


def test_a_prospect_with_a_saved_order_is_marked(client, acme, acme_sales):
    saved = make_company(acme, "Alpine Dental")
    Order.objects.create(company=saved, status=Order.Status.DRAFT)
    make_company(acme, "Beacon Legal")
    client.force_login(acme_sales)

    html = client.get(reverse("prospects:list")).content.decode()

    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in html.split("<tr>")[2:]}
    assert "Saved order" in rows["Alpine Dental"]
    assert "Saved order" not in rows["Beacon Legal"]


def test_saved_orders_cost_no_query_per_row(
    client, acme, acme_sales, django_assert_max_num_queries
):
    client.force_login(acme_sales)
    make_company(acme, "Alpha")
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("prospects:list"))
    for i in range(60):
        Order.objects.create(company=make_company(acme, f"Company {i:03}"))

    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("prospects:list")).content.decode()

    assert html.count("Saved order") == 49  # the first page: Alpha, and 49 with an order
