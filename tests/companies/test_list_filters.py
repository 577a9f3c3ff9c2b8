"""Filters on the Prospect List and both customer lists: implementation lead, my accounts,
sector, product and a date range; kept in the query string with the search, letter, sort and
page; letters and counts follow them; a bad value is said next to its filter, never a 500 and
never another MSP's rows."""

import csv
import datetime
import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from portal.companies import list_filters
from portal.companies.models import Company, CompanyProduct
from portal.companies.services import company_create, company_update
from tests.fixtures.factories import make_company, make_product, make_user, set_prices

PROSPECTS = "prospects:list"
IN_PROGRESS = "customers:in_progress"
COMPLETE = "customers:complete"
DAY = datetime.date(2027, 3, 1)


@pytest.fixture
def leads(acme):
    return (
        make_user(acme, lead=True, full_name="Lena Lead"),
        make_user(acme, lead=True, full_name="Otto Other"),
    )


@pytest.fixture
def world(acme, globex, leads):
    """Prospects and customers of Acme with leads, sectors, products and dates; one of Globex."""
    lena, otto = leads
    s1, a1 = make_product("S1"), make_product("A1", needs_own_seats=True)
    set_prices(acme, s1, [(1, "3.50")])
    set_prices(acme, a1, [(1, "0.90")])
    rows = [
        ("Alpha Retail", lena, "retail", [s1], 0),
        ("Avalon Legal", otto, "legal", [s1, a1], 10),
        ("Beacon Retail", lena, "retail", [a1], 40),
        ("Cobalt Nothing", None, "", [], 90),
    ]
    for status in Company.Status:
        for name, lead, sector, products, days in rows:
            company = make_company(
                acme,
                f"{name} {status.value}",
                status=status,
                implementation_lead=lead,
                lead_name=lead.full_name if lead else "",
                sector=sector,
                expected_provision_date=DAY + datetime.timedelta(days=days),
                next_billing_date=DAY + datetime.timedelta(days=days),
                fee_products=f" {' '.join(p.code for p in products)} " if products else "",
            )
            for product in products:
                CompanyProduct.objects.create(company=company, product=product)
        make_company(globex, f"Alpha Outsider {status.value}", status=status, sector="retail")
    return {"lena": lena, "otto": otto}


@pytest.fixture
def names(client, acme_sales):
    client.force_login(acme_sales)

    def get(url_name, expect=200, **params):
        response = client.get(reverse(url_name), params)
        assert response.status_code == expect
        return [company.name.rsplit(" ", 1)[0] for company in response.context["page"].object_list]

    return get


LISTS = [PROSPECTS, IN_PROGRESS, COMPLETE]


@pytest.mark.parametrize("url_name", LISTS)
def test_the_lead_filter_lists_that_leads_accounts(names, world, url_name):
    assert names(url_name, lead=world["lena"].pk) == ["Alpha Retail", "Beacon Retail"]
    assert names(url_name, lead=world["otto"].pk) == ["Avalon Legal"]


@pytest.mark.parametrize("url_name", LISTS)
def test_my_accounts_are_those_i_lead(client, world, url_name):
    client.force_login(world["otto"])
    response = client.get(reverse(url_name), {"mine": "1"})
    assert [c.name.rsplit(" ", 1)[0] for c in response.context["page"].object_list] == [
        "Avalon Legal"
    ]


@pytest.mark.parametrize("url_name", LISTS)
def test_the_sector_filter(names, world, url_name):
    assert names(url_name, sector="retail") == ["Alpha Retail", "Beacon Retail"]
    assert names(url_name, sector="legal") == ["Avalon Legal"]


@pytest.mark.parametrize("url_name", LISTS)
def test_the_product_filter_matches_a_whole_code(names, world, url_name):
    assert names(url_name, product="S1") == ["Alpha Retail", "Avalon Legal"]
    assert names(url_name, product="A1") == ["Avalon Legal", "Beacon Retail"]


@pytest.mark.parametrize("url_name", LISTS)
def test_the_product_filter_lists_the_same_rows_when_there_are_too_many_sets_of_codes(
    names, world, url_name, monkeypatch
):
    # Past MOST_SETS different sets of codes, the filter reads each row's codes instead.
    monkeypatch.setattr(list_filters, "MOST_SETS", 0)
    assert names(url_name, product="S1") == ["Alpha Retail", "Avalon Legal"]
    assert names(url_name, product="A1") == ["Avalon Legal", "Beacon Retail"]


def test_the_sets_of_codes_holding_a_product_are_read_from_the_partners_list(world):
    partner = world["lena"].partner
    sets = list_filters.product_sets("default", partner.pk, "prospect", "A1")
    assert sorted(sets) == [" A1 ", " S1 A1 "]
    assert list_filters.product_sets("default", partner.pk, "prospect", "ZZ9") == []


@pytest.mark.parametrize(
    ("url_name", "date"),
    [(PROSPECTS, "provision"), (IN_PROGRESS, "provision"), (COMPLETE, "billing")],
)
def test_the_date_range_takes_both_ends(names, world, url_name, date):
    start, end = DAY + datetime.timedelta(days=10), DAY + datetime.timedelta(days=40)
    params = {f"{date}_from": start.isoformat(), f"{date}_to": end.isoformat()}
    assert names(url_name, **params) == ["Avalon Legal", "Beacon Retail"]
    assert names(url_name, **{f"{date}_from": start.isoformat()}) == [
        "Avalon Legal",
        "Beacon Retail",
        "Cobalt Nothing",
    ]
    assert names(url_name, **{f"{date}_to": DAY.isoformat()}) == ["Alpha Retail"]


@pytest.mark.parametrize("url_name", LISTS)
def test_filters_combine_with_each_other_the_search_and_the_letter(names, world, url_name):
    lena = world["lena"].pk
    assert names(url_name, lead=lena, product="A1") == ["Beacon Retail"]
    assert names(url_name, lead=lena, sector="retail", q="alpha") == ["Alpha Retail"]
    assert names(url_name, lead=lena, letter="B") == ["Beacon Retail"]
    assert names(url_name, sector="legal", product="A1", letter="B") == []


def test_letters_and_the_count_follow_the_filters(client, acme_sales, world):
    client.force_login(acme_sales)

    response = client.get(reverse(PROSPECTS), {"sector": "retail"})

    links = {label: url for label, url, _ in response.context["letters"]}
    assert links["A"] and links["B"] and not links["C"]
    assert "sector=retail" in links["A"]
    assert response.context["page"].count == 2
    assert "1–2 of 2 prospects" in response.content.decode()


def test_letters_follow_a_search_within_the_filters(client, acme_sales, world):
    # The search's matches are all read with their initials: no second pass for the letters.
    client.force_login(acme_sales)

    response = client.get(reverse(PROSPECTS), {"sector": "retail", "q": "retail"})

    links = {label: url for label, url, _ in response.context["letters"]}
    assert [label for label, url in links.items() if url] == ["All", "A", "B"]
    response = client.get(reverse(PROSPECTS), {"sector": "legal", "q": "retail"})
    assert [label for label, url, _ in response.context["letters"] if url] == ["All"]


def test_every_link_of_the_page_keeps_the_filters_and_a_new_filter_starts_at_page_one(
    client, acme, acme_sales, world
):
    for i in range(60):
        make_company(acme, f"Retail {i:02}", sector="retail")
    client.force_login(acme_sales)
    params = {"sector": "retail", "q": "retail", "sort": "-name", "page": "2"}

    response = client.get(reverse(PROSPECTS), params)
    context = response.context

    kept = {"sector": ["retail"], "q": ["retail"]}
    urls = [url for _, url, _ in context["letters"] if url]
    urls += [url for _, url, _ in context["headers"]] + [url for _, url, _ in context["pages"]]
    for url in urls:
        query = parse_qs(urlparse(url).query)
        assert {k: query.get(k) for k in kept} == kept, url
    html = response.content.decode()
    # The search box carries the filters; the filter bar carries the search but not the page.
    assert '<input type="hidden" name="sector" value="retail">' in html
    bar = html[html.index('class="filterbar"') : html.index("</form>", html.index("filterbar"))]
    assert 'name="q" value="retail"' in bar and 'name="page"' not in bar


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"lead": "999999"}, "lead", "choose one of your MSP's implementation leads"),
        ({"lead": "abc"}, "lead", "choose one of your MSP's implementation leads"),
        ({"sector": "mining"}, "sector", "choose one from the list"),
        ({"product": "ZZ9"}, "product", "choose one of the products"),
        ({"provision_from": "2027-13-45"}, "provision_from", "is not a date"),
        ({"provision_to": "tomorrow"}, "provision_to", "is not a date"),
        ({"mine": "yes"}, "mine", "tick the box"),
        ({"sector": "retail\x00"}, "sector", ""),
        (
            {"provision_from": "2027-05-01", "provision_to": "2027-04-01"},
            "provision_to",
            "the end is before the start",
        ),
    ],
)
def test_a_bad_filter_is_said_next_to_it_and_the_list_is_shown_without_it(
    client, acme_sales, world, params, field, words
):
    client.force_login(acme_sales)

    response = client.get(reverse(PROSPECTS), params)

    assert response.status_code == 400
    error = response.context["state"].filter_errors[field]
    assert words in error
    html = response.content.decode()
    assert f'id="filter-{field}-error"' in html
    assert f'aria-describedby="filter-{field}-error"' in html
    names = [c.name for c in response.context["page"].object_list]
    assert not any("Outsider" in name for name in names)
    # Listed as if the bad value were not given (a range's good start still applies).
    assert len(names) == (1 if "provision_from" in params and field == "provision_to" else 4)


def test_another_msps_lead_is_refused_and_shows_nothing_of_theirs(
    client, acme_sales, world, globex
):
    theirs = make_user(globex, lead=True, full_name="Their Lead")
    Company.objects.filter(partner=globex).update(implementation_lead=theirs)
    client.force_login(acme_sales)

    response = client.get(reverse(COMPLETE), {"lead": theirs.pk})

    assert response.status_code == 400
    assert "implementation leads" in response.context["state"].filter_errors["lead"]
    assert "Outsider" not in response.content.decode()
    assert "Their Lead" not in response.content.decode()


def test_the_filter_bar_offers_the_msps_leads_sectors_and_products(
    client, acme_sales, world, globex
):
    make_user(globex, lead=True, full_name="Their Lead")
    client.force_login(acme_sales)

    html = client.get(reverse(COMPLETE), {"lead": world["lena"].pk}).content.decode()

    assert f'<option value="{world["lena"].pk}" selected>Lena Lead</option>' in html
    assert "Their Lead" not in html
    assert '<option value="retail">Retail</option>' in html
    assert ">S1 Product S1</option>" in html
    assert 'name="billing_from"' in html and 'name="provision_from"' not in html


def test_the_prospect_export_follows_the_filters(client, acme_sales, world):
    client.force_login(acme_sales)

    response = client.get(reverse("prospects:export_csv"), {"product": "A1", "sector": "retail"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["Company Name"] for row in rows] == ["Beacon Retail prospect"]


def test_the_export_buttons_carry_the_lists_query(client, acme_sales, world):
    client.force_login(acme_sales)

    html = client.get(reverse(COMPLETE), {"sector": "retail", "q": "a"}).content.decode()

    assert f'href="{reverse("customers:complete_csv")}?sector=retail&amp;q=a"' in html


@pytest.mark.parametrize("url_name", LISTS)
def test_a_filtered_page_is_a_fixed_number_of_queries(
    client, acme, acme_sales, world, django_assert_max_num_queries, url_name
):
    client.force_login(acme_sales)
    params = {"lead": world["lena"].pk, "sector": "retail", "product": "S1"}
    with django_assert_max_num_queries(20) as few:
        client.get(reverse(url_name), params)
    status = {PROSPECTS: "prospect", IN_PROGRESS: "in_progress", COMPLETE: "complete"}[url_name]
    for i in range(80):
        company = make_company(
            acme,
            f"Alpha More {i:02}",
            status=status,
            implementation_lead=world["lena"],
            sector="retail",
            fee_products=" S1 ",
        )
        CompanyProduct.objects.create(
            company=company, product_id=world["lena"].partner.products.get(code="S1").pk
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url_name), params)
    assert len(response.context["page"].object_list) == 50


def test_a_prospects_product_codes_follow_its_products_as_the_services_write_them(acme, acme_admin):
    s1, a1 = make_product("S1", position=1), make_product("A1", position=2)

    prospect = company_create(
        partner=acme, actor=acme_admin, name="Tracked", products={a1: 5, s1: None}
    )
    assert Company.objects.get(pk=prospect.pk).fee_products == " S1 A1 "

    company_update(company=prospect, actor=acme_admin, products={a1: 5})
    assert Company.objects.get(pk=prospect.pk).fee_products == " A1 "


def test_a_customers_codes_are_not_rewritten_by_its_old_expected_products(acme):
    s1 = make_product("S1")
    customer = make_company(acme, "Paying", status=Company.Status.COMPLETE, fee_products=" C1 ")

    company_update(company=customer, actor=None, products={s1: None})

    customer.refresh_from_db()
    assert customer.fee_products == " C1 "


def test_the_letters_of_a_narrow_list_are_read_in_one_pass_and_agree_with_the_probes(acme):
    from portal.core.lists import letters_in

    for name in ("alpha", "Beta", "3 Rivers", "Zulu", "_under"):
        make_company(acme, name)
    rows = Company.objects.filter(partner=acme)

    assert letters_in(rows, count=rows.count()) == letters_in(rows) == {"A", "B", "Z", "#"}
