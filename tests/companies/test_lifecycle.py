import pytest

from portal.companies.models import Company
from portal.companies.services import InvalidTransition, company_set_status
from portal.core.history import history_for
from tests.fixtures.factories import make_company


def test_prospect_becomes_customer_in_progress_then_complete(acme, acme_admin):
    company = make_company(acme)

    company_set_status(company=company, status=Company.Status.IN_PROGRESS, actor=acme_admin)
    company_set_status(company=company, status=Company.Status.COMPLETE, actor=acme_admin)

    company.refresh_from_db()
    assert company.status == Company.Status.COMPLETE
    summaries = [entry.summary for entry in history_for(company)]
    assert summaries == [
        "Status changed to Customer (Complete)",
        "Status changed to Customer (In Progress)",
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Company.Status.PROSPECT, Company.Status.COMPLETE),
        (Company.Status.COMPLETE, Company.Status.PROSPECT),
        (Company.Status.COMPLETE, Company.Status.IN_PROGRESS),
    ],
)
def test_lifecycle_refuses_a_move_it_does_not_allow(acme, acme_admin, start, target):
    company = make_company(acme, status=start)

    with pytest.raises(InvalidTransition):
        company_set_status(company=company, status=target, actor=acme_admin)

    company.refresh_from_db()
    assert company.status == start
    assert not history_for(company).exists()
