"""The pipeline and renewal figures of the MSP dashboard, on the demo data, equal what the
prospect's own quote and the agreement lines say, summed one by one."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.accounts.models import Partner
from portal.catalog.selectors import products_enabled_for
from portal.companies.models import AgreementLine, Company
from portal.dashboards.msp import MspDashboard
from portal.orders.quote import prospect_quote

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pipeline_is_each_prospects_own_quote(demo_data):
    partner = Partner.objects.get(name="Acme IT Services")
    today = timezone.localdate()
    rows = MspDashboard(partner, today).chart("pipeline").rows
    enabled = list(products_enabled_for(partner))
    total, count, unpriced = Decimal("0.00"), 0, 0
    for company in Company.objects.filter(partner=partner, status=Company.Status.PROSPECT):
        if company.expected_provision_date is None:
            continue
        count += 1
        quote = prospect_quote(company, enabled)
        if quote is None:
            unpriced += 1
        else:
            total += quote.totals.monthly.amount
    assert sum(row[1] for row in rows) == count
    assert sum(row[2] for row in rows) == total
    assert sum(row[4] for row in rows) == unpriced
    assert total > 0


def test_renewals_are_the_commitment_lines_ending_in_90_days(demo_data):
    partner = Partner.objects.get(name="Acme IT Services")
    today = timezone.localdate()
    rows = MspDashboard(partner, today).chart("renewals").rows
    lines = AgreementLine.objects.filter(
        agreement__company__partner=partner,
        agreement__status="active",
        commitment__in=["1y", "3y"],
        term_end__gte=today,
        term_end__lte=today + datetime.timedelta(days=90),
    )
    monthly = sum((line.payment for line in lines if line.term == "monthly"), Decimal("0.00"))
    annual = sum((line.payment for line in lines if line.term == "annual"), Decimal("0.00"))
    assert sum(row[2] for row in rows) == monthly > 0
    assert sum(row[3] for row in rows) == annual
    assert sum(row[1] for row in rows) == len({line.agreement.company_id for line in lines})
