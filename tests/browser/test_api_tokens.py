import json

from playwright.sync_api import expect

from .conftest import log_in


def test_a_user_makes_a_token_on_the_profile_page_and_the_api_answers_to_it(
    page, demo_data, screenshot
):
    log_in(page, "sales@acme-msp.example")
    page.get_by_role("link", name="API Tokens").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()

    page.get_by_label("Token name").fill("HaloPSA sync")
    page.get_by_role("button", name="Create Token").click()
    token = page.get_by_label("Your new token").input_value()
    assert token.startswith("msp_")
    expect(page.get_by_text("it is shown only this once")).to_be_visible()
    screenshot("profile-api-token")

    answer = page.request.get(
        "/api/v1/prospects/?letter=A", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 200
    assert json.loads(answer.text())["count"] >= 1

    page.get_by_role("button", name="Revoke HaloPSA sync").click()
    expect(page.get_by_text("Token “HaloPSA sync” revoked")).to_be_visible()
    gone = page.request.get("/api/v1/prospects/", headers={"Authorization": f"Bearer {token}"})
    assert gone.status == 401


def test_the_api_docs_render_from_the_portals_own_files(page, live_server, demo_data, screenshot):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, "admin@acme-msp.example")

    page.goto("/api/docs/")

    expect(page.get_by_role("heading", name="MSP Partner Portal API")).to_be_visible()
    expect(page.get_by_text("Submit Order").first).to_be_visible()
    screenshot("api-docs")
    elsewhere = [u for u in requested if not u.startswith((live_server.url, "data:", "blob:"))]
    assert elsewhere == []
