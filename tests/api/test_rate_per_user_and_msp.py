"""Rates are counted per user and per MSP as well as per token: more tokens do not buy a user
or an MSP more requests, and one MSP's use never slows another's."""

import time

import pytest
import time_machine

from tests.fixtures.api import client_for

URL = "/api/v1/me/"
# The middle of a minute: the requests of a test all fall in one rate window.
STILL = time.time() // 60 * 60 + 30


@pytest.fixture(autouse=True)
def _clock_held_still():
    with time_machine.travel(STILL, tick=False):
        yield


def codes(client, times: int) -> list[int]:
    return [client.get(URL).status_code for _ in range(times)]


def test_two_tokens_of_one_user_together_exceed_the_user_rate(acme_admin, settings):
    settings.API_RATE, settings.API_RATE_PER_USER = "3/min", "4/min"
    settings.API_RATE_PER_PARTNER = "100/min"
    first, second = client_for(acme_admin), client_for(acme_admin)

    assert codes(first, 2) + codes(second, 2) == [200] * 4
    refused = second.get(URL)

    # Neither token is over its own rate of 3: the user is, at 5 of 4.
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert refused.json()["error"]["code"] == "throttled"
    assert first.get(URL).status_code == 429


def test_a_session_and_a_token_of_one_user_share_the_user_rate(client, acme_admin, settings):
    settings.API_RATE, settings.API_RATE_PER_USER = "10/min", "3/min"
    client.force_login(acme_admin)
    token = client_for(acme_admin)

    assert codes(client, 2) + codes(token, 1) == [200] * 3
    assert token.get(URL).status_code == 429
    assert client.get(URL).status_code == 429


def test_two_users_of_one_msp_exceed_the_msp_rate_and_another_msp_is_unaffected(
    acme_admin, acme_sales, outsider, settings
):
    settings.API_RATE = settings.API_RATE_PER_USER = "10/min"
    settings.API_RATE_PER_PARTNER = "4/min"
    admin, sales, globex = client_for(acme_admin), client_for(acme_sales), client_for(outsider)

    assert codes(admin, 2) + codes(sales, 2) == [200] * 4
    refused = sales.get(URL)

    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert admin.get(URL).status_code == 429
    # Globex has its own count.
    assert codes(globex, 4) == [200] * 4


def test_a_script_ignoring_429_does_not_use_up_its_colleagues_allowance(
    acme_admin, acme_sales, settings
):
    settings.API_RATE = settings.API_RATE_PER_USER = "2/min"
    settings.API_RATE_PER_PARTNER = "4/min"
    runaway, colleague = client_for(acme_admin), client_for(acme_sales)

    assert codes(runaway, 20) == [200, 200] + [429] * 18

    # Only the two requests it was allowed count for the MSP.
    assert codes(colleague, 3) == [200, 200, 429]


def test_unset_the_user_rate_is_the_token_rate_and_the_msp_rate_four_times_it(settings):
    from portal.api.throttling import rates

    settings.API_RATE = "250/hour"
    settings.API_RATE_PER_USER = settings.API_RATE_PER_PARTNER = ""

    assert rates() == {"token": (250, 3600), "user": (250, 3600), "partner": (1000, 3600)}
