import json

from playwright.sync_api import expect

from tests.sync.vendor_server import VendorServer

from .conftest import log_in


def test_admin_adds_a_webhook_sends_a_test_and_sees_it_in_the_log(
    page, demo_data, screenshot, settings, run_worker
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the receiver below is on 127.0.0.1
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    with VendorServer() as receiver:
        log_in(page, "admin@acme-msp.example")
        page.get_by_role("link", name="Webhooks").click()
        expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
        page.get_by_role("link", name="Add Webhook").first.click()

        page.get_by_label("URL").fill("ftp://psa.example/hooks")
        page.get_by_label("Order submitted", exact=True).check()
        page.get_by_role("button", name="Save Webhook").click()
        expect(page.get_by_text("starting with http:// or https://")).to_be_visible()
        screenshot("webhook-form-error")

        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Change order submitted").check()
        page.get_by_role("button", name="Save Webhook").click()
        expect(page.get_by_role("heading", name="Webhook", exact=True)).to_be_visible()
        expect(page.get_by_text("Nothing sent yet")).to_be_visible()

        page.get_by_role("button", name="Send test").click()
        expect(page.get_by_text("A test event is queued for delivery")).to_be_visible()
        expect(page.get_by_role("cell", name="Queued")).to_be_visible()

        run_worker()
        page.reload()
        log = page.locator("table.list")
        expect(log.get_by_role("cell", name="test", exact=True)).to_be_visible()
        expect(log.get_by_role("cell", name="Sent")).to_be_visible()
        expect(log.get_by_role("cell", name="200")).to_be_visible()
        page.get_by_text("Show secret").click()
        screenshot("webhook-detail")

        assert [body["event"] for body in receiver.payloads()] == ["test"]
        assert json.loads(receiver.received[0]["body"])["id"]
        page.get_by_role("link", name="Webhooks").click()
        expect(
            page.get_by_role("cell", name="Order submitted, Change order submitted")
        ).to_be_visible()
        screenshot("webhooks")
