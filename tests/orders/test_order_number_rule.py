"""Issue 16, item 4: one Order Number rule (orders/rules.py) for the server and the page. The
pages hand the rule's words to order_number.js, which says them next to the field; the
browser tests (tests/browser/test_order_number.py) show it does so before the user clicks."""

import html

import pytest

from portal.orders.rules import NUMBER_AND_NOT_REQUIRED, NUMBER_MISSING, order_number_error


@pytest.mark.parametrize(
    ("number", "not_required", "submitting", "error"),
    [
        ("PO-1", False, True, ""),
        ("", True, True, ""),
        ("", False, True, NUMBER_MISSING),
        ("", False, False, ""),  # a draft may leave it for later
        ("PO-1", True, True, NUMBER_AND_NOT_REQUIRED),
        ("PO-1", True, False, NUMBER_AND_NOT_REQUIRED),  # said on a draft too
    ],
)
def test_a_number_or_not_required_not_both(number, not_required, submitting, error):
    assert order_number_error(number, not_required, submitting=submitting) == error


def test_a_number_of_spaces_is_no_number(submit):
    response = submit(order_number="   ")

    assert response.context["form"].errors["order_number"] == [NUMBER_MISSING]


def rule_words_on(page: str) -> tuple[str, str]:
    missing = f'data-number-missing="{html.escape(NUMBER_MISSING)}"'
    both = f'data-number-both="{html.escape(NUMBER_AND_NOT_REQUIRED)}"'
    return missing in page, both in page


def test_review_order_hands_the_rules_words_to_the_page(client, acme_admin, order_url):
    client.force_login(acme_admin)

    page = client.get(order_url).content.decode()

    assert rule_words_on(page) == (True, True)
    assert 'aria-describedby="id_order_number_helptext id_order_number_error"' in page
    assert "js/order_number.js" in page


def test_the_servers_refusal_stands_next_to_the_order_number(submit):
    page = submit(order_number_not_required="on").content.decode()

    assert (
        f'<p class="error" id="id_order_number_error" data-number-error aria-live="polite">'
        f"{html.escape(NUMBER_AND_NOT_REQUIRED)}</p>"
    ) in page
