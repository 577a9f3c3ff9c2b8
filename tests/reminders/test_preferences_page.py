"""The reminder preferences page (linked from the profile): each user chooses per kind an
e-mail each, the daily digest or none; an MSP's Admins choose the days before a term ends.
Every change is in the History Log; bad input gets its message next to the field."""

import pytest
from django.urls import reverse

from portal.core.history import history_for
from portal.reminders.models import Delivery, Kind, Preference, TermDays

URL = reverse("reminders:preferences")
DAYS_URL = reverse("reminders:term_days")


def choices(**changed) -> dict:
    data = {kind.value: Delivery.EMAIL.value for kind in Kind}
    data.update(changed)
    return data


def test_the_profile_page_links_to_the_reminder_preferences(client, acme_sales):
    client.force_login(acme_sales)

    page = client.get(reverse("profile")).content.decode()

    assert f'href="{URL}"' in page


def test_every_kind_is_an_email_each_until_the_user_chooses(client, acme_sales):
    client.force_login(acme_sales)

    page = client.get(URL)

    assert page.status_code == 200
    form = page.context["form"]
    assert {name: form[name].value() for name in form.fields} == choices()
    html = page.content.decode()
    assert "Saved quote about to expire" in html and "In the daily digest" in html
    # A Sales user reads the MSP's days; only Admins get their form.
    assert "go out 60, 30, 7 days before it ends" in html
    assert page.context["days_form"] is None


def test_a_user_saves_their_choices_with_a_history_entry(client, acme_sales):
    client.force_login(acme_sales)

    response = client.post(URL, choices(term_ending="digest", quote_expiring="off"), follow=True)

    assert response.redirect_chain[-1][0] == URL
    assert "Your reminder preferences are saved." in response.content.decode()
    assert dict(Preference.objects.filter(user=acme_sales).values_list("kind", "delivery")) == {
        "term_ending": "digest",
        "quote_expiring": "off",
    }
    [entry] = history_for(acme_sales)
    assert entry.summary == "Reminder preferences changed"
    assert entry.changes == {
        "Term ending": ["E-mail each one", "In the daily digest"],
        "Saved quote about to expire": ["E-mail each one", "Off"],
    }
    assert entry.partner_id == acme_sales.partner_id


def test_a_choice_that_is_not_offered_is_refused_next_to_its_field(client, acme_sales):
    client.force_login(acme_sales)

    response = client.post(URL, choices(rfi_unanswered="weekly"))

    assert response.status_code == 400
    assert "Select a valid choice." in str(response.context["form"].errors["rfi_unanswered"])
    assert not Preference.objects.exists()


def test_an_admin_sets_the_msps_days_before_a_term_ends(client, acme, acme_admin):
    client.force_login(acme_admin)
    assert 'value="60, 30, 7"' in client.get(URL).content.decode()

    response = client.post(DAYS_URL, {"days": "7, 45 ,10"}, follow=True)

    assert "The days before a term ends are saved for your MSP." in response.content.decode()
    assert TermDays.objects.get(partner=acme).days == [45, 10, 7]
    [entry] = [e for e in history_for(TermDays.objects.get(partner=acme))]
    assert entry.changes == {"Days before a term ends": ["60, 30, 7", "45, 10, 7"]}
    assert entry.actor == acme_admin


@pytest.mark.parametrize(
    "days, message",
    [
        ("", "This field is required."),
        ("sixty", "Enter whole numbers of days."),
        ("0, 30", "Each number of days must be from 1 to 365."),
        ("400", "Each number of days must be from 1 to 365."),
        ("90, 60, 30, 14, 7, 1", "At most 5 reminders per term."),
    ],
)
def test_bad_days_are_refused_next_to_the_field(client, acme_admin, days, message):
    client.force_login(acme_admin)

    response = client.post(DAYS_URL, {"days": days})

    assert response.status_code == 400
    assert message in " ".join(response.context["days_form"].errors["days"])
    assert not TermDays.objects.exists()


def test_only_admins_set_the_days(client, acme_sales):
    client.force_login(acme_sales)

    assert client.post(DAYS_URL, {"days": "10"}).status_code == 404
    assert not TermDays.objects.exists()


def test_each_msp_has_its_own_days(client, acme, globex, acme_admin, outsider):
    client.force_login(outsider)
    client.post(DAYS_URL, {"days": "14"})

    assert list(TermDays.objects.values_list("partner", "days")) == [(globex.pk, [14])]
    client.force_login(acme_admin)
    assert 'value="60, 30, 7"' in client.get(URL).content.decode()


def test_vendor_staff_and_anonymous_visitors_have_no_preferences_page(client, staff):
    assert client.get(URL).status_code == 302  # to sign in
    client.force_login(staff)
    assert client.get(URL).status_code == 404
