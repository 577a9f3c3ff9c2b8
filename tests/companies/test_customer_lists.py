"""Customers | In Progress and Customers | Complete: the Prospect List's tools, per status."""

import datetime

import pytest
from django.urls import reverse

from portal.companies.models import Company
from tests.fixtures.factories import make_company

IN_PROGRESS = "customers:in_progress"
COMPLETE = "customers:complete"


@pytest.fixture
def listing(client, acme_sales):
    client.force_login(acme_sales)

    def get(url_name, **params):
        response = client.get(reverse(url_name), params)
        assert response.status_code == 200
        return [company.name for company in response.context["page"].object_list]

    return get


@pytest.fixture
def some(acme, globex):
    day = datetime.date(2027, 1, 1)
    rows = [
        ("Alpine Dental", "alpine.example", 30, 3),
        ("alpha freight", "zeta.example", 500, 1),
        ("3 Rivers Credit Union", "rivers.example", 80, 2),
        ("Beacon Legal", "beacon.example", 5, 4),
    ]
    for status, prefix in ((Company.Status.IN_PROGRESS, ""), (Company.Status.COMPLETE, "Done ")):
        for name, domain, users, days in rows:
            make_company(
                acme,
                f"{prefix}{name}",
                status=status,
                domain=domain,
                permitted_users=users,
                fee_seats=users,
                expected_provision_date=day + datetime.timedelta(days=days),
                next_billing_date=day + datetime.timedelta(days=days),
            )
    make_company(acme, "Alpine Prospect")
    make_company(globex, "Alpine Outsiders", status=Company.Status.IN_PROGRESS)
    make_company(globex, "Alpine Others Complete", status=Company.Status.COMPLETE)


def test_in_progress_lists_only_the_msps_own_customers_in_progress(listing, some):
    assert listing(IN_PROGRESS) == [
        "3 Rivers Credit Union",
        "alpha freight",
        "Alpine Dental",
        "Beacon Legal",
    ]


def test_complete_lists_only_the_msps_own_complete_customers(listing, some):
    assert listing(COMPLETE) == [
        "Done 3 Rivers Credit Union",
        "Done alpha freight",
        "Done Alpine Dental",
        "Done Beacon Legal",
    ]


@pytest.mark.parametrize(
    ("url_name", "theirs"),
    [(IN_PROGRESS, "Alpine Outsiders"), (COMPLETE, "Alpine Others Complete")],
)
def test_another_msp_sees_only_its_own_customers(client, some, outsider, url_name, theirs):
    client.force_login(outsider)

    response = client.get(reverse(url_name))

    assert [company.name for company in response.context["page"].object_list] == [theirs]
    assert "Alpine Dental" not in response.content.decode()


@pytest.mark.parametrize("url_name", [IN_PROGRESS, COMPLETE])
def test_anonymous_users_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_search_matches_any_part_of_the_name_ignoring_case(listing, some):
    assert listing(IN_PROGRESS, q="PINE") == ["Alpine Dental"]
    assert listing(COMPLETE, q="al") == [
        "Done alpha freight",
        "Done Alpine Dental",
        "Done Beacon Legal",
    ]


def test_letter_narrows_and_combines_with_the_search(listing, some):
    assert listing(IN_PROGRESS, letter="A") == ["alpha freight", "Alpine Dental"]
    assert listing(IN_PROGRESS, letter="a", q="den") == ["Alpine Dental"]
    assert listing(IN_PROGRESS, letter="#") == ["3 Rivers Credit Union"]
    assert listing(COMPLETE, letter="D") == listing(COMPLETE)
    assert listing(COMPLETE, letter="A") == []


@pytest.mark.parametrize(
    ("url_name", "sort", "first", "last"),
    [
        (IN_PROGRESS, "name", "3 Rivers Credit Union", "Beacon Legal"),
        (IN_PROGRESS, "domain", "Alpine Dental", "alpha freight"),
        (IN_PROGRESS, "seats", "Beacon Legal", "alpha freight"),
        (IN_PROGRESS, "provision", "alpha freight", "Beacon Legal"),
        (COMPLETE, "name", "Done 3 Rivers Credit Union", "Done Beacon Legal"),
        (COMPLETE, "domain", "Done Alpine Dental", "Done alpha freight"),
        (COMPLETE, "seats", "Done Beacon Legal", "Done alpha freight"),
        (COMPLETE, "billing", "Done alpha freight", "Done Beacon Legal"),
    ],
)
def test_every_column_sorts_a_to_z_then_z_to_a(listing, some, url_name, sort, first, last):
    ascending = listing(url_name, sort=sort)
    descending = listing(url_name, sort=f"-{sort}")

    assert (ascending[0], ascending[-1]) == (first, last)
    assert descending == ascending[::-1]


@pytest.mark.parametrize(
    ("url_name", "status"),
    [(IN_PROGRESS, Company.Status.IN_PROGRESS), (COMPLETE, Company.Status.COMPLETE)],
)
def test_sort_by_lead_and_last_changed(listing, acme, url_name, status):
    make_company(acme, "Zed", status=status, lead_name="Anna")
    make_company(acme, "Amy", status=status, lead_name="Zoe")

    assert listing(url_name, sort="lead") == ["Zed", "Amy"]
    assert listing(url_name, sort="-changed") == ["Amy", "Zed"]


def test_each_list_offers_its_own_date_column_and_not_the_other(client, acme_sales, some):
    client.force_login(acme_sales)

    in_progress = client.get(reverse(IN_PROGRESS)).content.decode()
    complete = client.get(reverse(COMPLETE)).content.decode()

    assert "Expected Provision Date" in in_progress and "Next Billing Date" not in in_progress
    assert "Next Billing Date" in complete and "Expected Provision Date" not in complete
    assert "2027-01-02" in complete  # alpha freight's next billing date


def test_header_links_flip_the_direction_and_show_an_arrow(client, acme_sales, some):
    client.force_login(acme_sales)

    html = client.get(reverse(COMPLETE), {"sort": "billing", "q": "a"}).content.decode()

    assert 'aria-sort="ascending"' in html
    assert "?q=a&amp;sort=-billing" in html
    assert "▲" in html


def test_unknown_sort_falls_back_to_the_name(listing, some):
    # "billing" is a column of Complete only.
    assert listing(IN_PROGRESS, sort="billing")[0] == "3 Rivers Credit Union"


@pytest.mark.parametrize("sort", ["name", "-billing", "seats", "-fees", "-lead"])
def test_pages_follow_each_other_without_overlap(listing, acme, sort):
    for i in range(120):
        make_company(
            acme,
            f"Customer {i:03}",
            status=Company.Status.COMPLETE,
            permitted_users=(i % 7) or None,
            fee_seats=(i % 7) or None,
            monthly_fees=(i % 4) * 10 or None,
            lead_name=f"L{i % 5}",
            next_billing_date=datetime.date(2027, 1, 1 + i % 28) if i % 3 else None,
        )

    # Page 3 is read from the far end of the list: it must join up with the first two.
    pages = [listing(COMPLETE, sort=sort, page=n) for n in (1, 2, 3)]

    assert [len(page) for page in pages] == [50, 50, 20]
    names = sum(pages, [])
    assert len(set(names)) == 120
    assert listing(COMPLETE, sort=sort, page=99) == pages[2]  # past the end: the last page


def test_count_comes_from_the_tally_and_a_filter_counts_its_matches(client, acme_sales, some):
    client.force_login(acme_sales)

    everything = client.get(reverse(IN_PROGRESS)).content.decode()
    searched = client.get(reverse(IN_PROGRESS), {"q": "al"}).content.decode()

    assert "1–4 of 4 customers" in everything
    assert "1–3 of 3 customers" in searched


@pytest.mark.parametrize(
    ("url_name", "status"),
    [(IN_PROGRESS, Company.Status.IN_PROGRESS), (COMPLETE, Company.Status.COMPLETE)],
)
def test_query_count_does_not_grow_with_the_list(
    client, acme, acme_sales, django_assert_max_num_queries, url_name, status
):
    client.force_login(acme_sales)
    make_company(acme, "First", status=status)
    # The page, its count, letters, session and user, the filters' leads and products, the fee
    # totals and the check for downsells come due: a fixed number, whatever the list holds.
    with django_assert_max_num_queries(14) as small:
        client.get(reverse(url_name))
    for i in range(150):
        make_company(acme, f"Company {i:03}", status=status, lead_name="Lee")

    for params in ({}, {"page": 3}, {"q": "com"}, {"letter": "C"}, {"sort": "-lead"}):
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(reverse(url_name), params)


def test_rows_link_to_the_customer_page(client, acme, acme_sales):
    customer = make_company(acme, "Northwind <Traders>", status=Company.Status.COMPLETE)
    client.force_login(acme_sales)

    html = client.get(reverse(COMPLETE)).content.decode()

    detail = reverse("companies:detail", args=[customer.pk])
    assert f'<a href="{detail}">Northwind &lt;Traders&gt;</a>' in html


def test_menu_offers_both_lists(client, acme_sales):
    client.force_login(acme_sales)

    html = client.get(reverse(IN_PROGRESS)).content.decode()

    assert f'href="{reverse(IN_PROGRESS)}" aria-current="page">In Progress</a>' in html
    assert f'href="{reverse(COMPLETE)}">Complete</a>' in html


@pytest.mark.parametrize("url_name", [IN_PROGRESS, COMPLETE])
def test_empty_list_says_how_customers_come_about(client, acme, acme_sales, url_name):
    make_company(acme, "Only A Prospect")
    client.force_login(acme_sales)

    html = client.get(reverse(url_name)).content.decode()

    assert "No customers here yet" in html
    assert reverse("prospects:list") in html
    assert "Only A Prospect" not in html
