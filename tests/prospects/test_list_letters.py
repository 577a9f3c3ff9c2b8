"""The A–Z links of the lists: only letters that lead to some entry are links, and a new search
starts again from All."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from portal.companies.models import Company
from portal.core.lists import initials_in, letters_in, letters_of
from tests.fixtures.factories import make_company


@pytest.fixture
def some(acme, globex):
    for name in ("Alpine Dental", "alpha freight", "3 Rivers Credit Union", "Beacon Legal"):
        make_company(acme, name)
    make_company(acme, "Zulu Complete", status=Company.Status.COMPLETE)
    make_company(globex, "Quartz Outsiders")


@pytest.fixture
def letters(client, acme_sales):
    """``{label: url}`` of the A–Z links of the Prospect List (url "" where it is no link)."""
    client.force_login(acme_sales)

    def get(url_name="prospects:list", **params):
        caches["lists"].clear()  # the letters are read from the context of a page rendered anew
        response = client.get(reverse(url_name), params)
        assert response.status_code == 200
        return {label: url for label, url, _current in response.context["letters"]}

    return get


def linked(found: dict) -> list[str]:
    return [label for label, url in found.items() if url]


def test_only_letters_with_entries_of_the_list_are_links(letters, some):
    assert linked(letters()) == ["All", "A", "B", "#"]


def test_letters_follow_the_search(letters, some):
    assert linked(letters(q="den")) == ["All", "A"]
    assert linked(letters(q="al")) == ["All", "A", "B"]
    assert linked(letters(q="nowhere")) == ["All"]


def test_letters_of_a_search_past_its_cap_are_probed_and_still_right(letters, some, monkeypatch):
    # Up to the cap a search's letters are its matches' initials, read with them; past it the
    # matches are not all read, and the letters are probed instead: the same links either way.
    monkeypatch.setattr("portal.companies.list_views.CompanyListView.search_cap", 1)
    assert linked(letters(q="r")) == ["All", "A", "#"]
    assert linked(letters(q="al")) == ["All", "A", "B"]


def test_letters_count_within_the_search_whatever_letter_is_chosen(letters, some):
    found = letters(q="al", letter="B")

    assert linked(found) == ["All", "A", "B"]
    assert found["A"] == "?q=al&letter=A&sort=name"


def test_letters_are_those_of_the_lists_status_and_partner(letters, some):
    assert letters()["Z"] == ""  # Zulu is a customer (Complete)
    assert letters()["Q"] == ""  # Quartz is another MSP's
    assert linked(letters("customers:complete")) == ["All", "Z"]
    assert linked(letters("customers:in_progress")) == ["All"]


def test_a_chosen_letter_without_entries_stays_shown_as_chosen(client, acme_sales, some):
    client.force_login(acme_sales)

    response = client.get(reverse("prospects:list"), {"letter": "Q"})

    assert ("Q", "?letter=Q&sort=name", True) in response.context["letters"]


def test_a_letter_without_entries_is_text_that_says_so(client, acme_sales, some):
    client.force_login(acme_sales)

    html = client.get(reverse("prospects:list")).content.decode()

    nav = re.search(r'<nav class="letters".*?</nav>', html, re.S).group()
    assert '<a href="?letter=A&amp;sort=name">A</a>' in nav
    assert (
        '<span class="letter-empty">C<span class="visually-hidden"> (no prospects)</span></span>'
        in nav
    )
    assert "letter=C" not in nav


def test_a_new_search_does_not_keep_the_chosen_letter(client, acme_sales, some):
    client.force_login(acme_sales)

    html = client.get(reverse("prospects:list"), {"letter": "A", "page": 2}).content.decode()

    form = re.search(r'<form method="get" class="searchbar".*?</form>', html, re.S).group()
    assert 'name="letter"' not in form
    assert 'name="page"' not in form
    assert 'name="sort" value="name"' in form


def test_letters_are_found_in_one_query_whatever_the_list(acme, django_assert_num_queries):
    for name in ("Alpine", "beta", "9 Lives", "Omega"):
        make_company(acme, name)
    prospects = Company.objects.filter(partner=acme, status=Company.Status.PROSPECT)

    with django_assert_num_queries(1):
        found = letters_in(prospects)
    with django_assert_num_queries(1):
        searched = letters_in(prospects.filter(name_key__contains="a"))

    assert found == {"A", "B", "#", "O"}
    assert searched == {"A", "B", "O"}


@pytest.mark.django_db
def test_no_companies_at_all_means_no_letters():
    assert letters_in(Company.objects.all()) == set()


def test_an_unsearched_lists_initials_are_found_by_one_skip_scan(
    acme, globex, django_assert_num_queries
):
    for name in ("Alpine", "alpha", "beta", "9 Lives", "É Corp", "&Co", "Omega", "Zeta"):
        make_company(acme, name)
    make_company(acme, "Quiet Complete", status=Company.Status.COMPLETE)
    make_company(globex, "Kilo Outsiders")
    prospects = Company.objects.filter(partner=acme, status=Company.Status.PROSPECT)

    with django_assert_num_queries(1):
        found = initials_in(prospects)

    assert sorted(found) == sorted({"A", "B", "9", "É", "&", "O", "Z"})
    assert len(found) == len(set(found))  # each initial once: the scan jumps past its rows
    assert letters_of(found) == letters_in(prospects) == {"A", "B", "#", "O", "Z"}


@pytest.mark.django_db
def test_an_empty_list_has_no_initials():
    assert initials_in(Company.objects.all()) == []
