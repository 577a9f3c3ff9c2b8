"""The named tenant lookups: an object of the user's MSP, or a 404 (never a 403)."""

import pytest
from django.http import Http404

from portal.accounts.selectors import user_for
from portal.companies.models import Company
from portal.companies.selectors import company_for, customer_for, prospect_for
from tests.fixtures.factories import make_company

PROSPECT, IN_PROGRESS = Company.Status.PROSPECT, Company.Status.IN_PROGRESS


@pytest.mark.parametrize(
    "lookup, status, found",
    [
        (company_for, PROSPECT, True),
        (company_for, IN_PROGRESS, True),
        (prospect_for, PROSPECT, True),
        (prospect_for, IN_PROGRESS, False),
        (customer_for, IN_PROGRESS, True),
        (customer_for, PROSPECT, False),
    ],
)
def test_a_company_lookup_finds_only_its_kind_of_the_users_msp(
    acme, acme_sales, outsider, lookup, status, found
):
    company = make_company(acme, status=status)

    if found:
        assert lookup(acme_sales, company.pk) == company
    else:
        with pytest.raises(Http404):
            lookup(acme_sales, company.pk)
    with pytest.raises(Http404):
        lookup(outsider, company.pk)


def test_the_company_page_lookup_is_the_same_company(acme, acme_sales):
    company = make_company(acme)

    assert company_for(acme_sales, company.pk, page=True) == company


def test_a_user_of_another_msp_is_not_found(acme_admin, acme_sales, outsider, staff):
    assert user_for(acme_admin, acme_sales.pk) == acme_sales
    for other in (outsider, staff):
        with pytest.raises(Http404):
            user_for(acme_admin, other.pk)
