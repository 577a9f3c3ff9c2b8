import pytest
from django.http import Http404

from portal.companies.models import Company
from portal.core.tenancy import for_partner, get_for_partner_or_404
from tests.fixtures.factories import make_company


def test_for_partner_keeps_only_the_users_own_rows(acme, globex, acme_sales):
    mine = make_company(acme)
    make_company(globex)

    assert list(for_partner(Company, acme_sales)) == [mine]


def test_user_without_a_partner_sees_no_tenant_rows(acme, staff):
    make_company(acme)

    assert not for_partner(Company, staff).exists()


def test_another_partners_object_is_not_found_rather_than_forbidden(acme, outsider):
    company = make_company(acme)

    with pytest.raises(Http404):
        get_for_partner_or_404(Company, outsider, pk=company.pk)
