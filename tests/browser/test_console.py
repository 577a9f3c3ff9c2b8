"""Vendor staff in the console: a provisioning request that failed, delivered again and then
rejected with a reason; the MSP's prospect is a prospect again."""

import uuid

from playwright.sync_api import expect

from portal.accounts.models import User
from portal.companies.models import Company
from portal.orders.services import OrderInput, order_submit
from portal.sync.models import ProvisioningRequest

from .conftest import log_in


def test_staff_find_a_failed_request_and_reject_it_with_a_reason(page, demo_data, screenshot):
    admin = User.objects.get(email="admin@acme-msp.example")
    company = Company.objects.filter(partner=admin.partner, status="prospect").order_by("pk")[1]
    order, _ = order_submit(
        company=company,
        actor=admin,
        data=OrderInput(
            implementation_lead=admin,
            permitted_users=100,
            products={p.product: p.seats for p in company.products.select_related("product")},
            infrastructure={},
            order_number="PO-CONSOLE",
            order_number_not_required=False,
        ),
        key=uuid.uuid4(),
        ip=None,
    )
    ProvisioningRequest.objects.filter(agreement=order.agreement).update(
        status="failed", attempts=8, last_error="HTTP 503 Service Unavailable"
    )

    log_in(page, "staff@vendor.example")
    page.goto("/admin/")
    summary = page.locator("#sync-summary")
    expect(summary).to_contain_text("Provisioning requests failed")
    screenshot("console-front-page")
    summary.get_by_role("link", name="Provisioning requests failed").click()
    expect(page.get_by_text("HTTP 503 Service Unavailable")).to_be_visible()
    screenshot("console-failed-requests")

    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(label="Reject…")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Reason").fill("The customer's domain is not verified")
    screenshot("console-reject-reason")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_text(f"1 rejected: {company.name} (New order).")).to_be_visible()

    company.refresh_from_db()
    assert company.status == Company.Status.PROSPECT
