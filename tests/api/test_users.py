"""Users over the API: MSP Admins only, through the Users screen's forms and services."""

import pytest

from portal.accounts.models import User
from portal.accounts.services import EMAIL_TAKEN, LAST_ADMIN, SELF_DEACTIVATION
from portal.core.history import history_for
from portal.core.models import HistoryEntry, OutgoingMessage
from tests.fixtures.factories import make_user

INVITE = {
    "full_name": "Nina New",
    "email": "Nina.New@Acme.test",
    "role": "sales",
    "is_implementation_lead": True,
}

# (method, path after /api/v1/, body): every user endpoint, ``{pk}`` being an Acme Sales user.
ENDPOINTS = [
    ("get", "users/", None),
    ("post", "users/", INVITE),
    ("get", "users/{pk}/", None),
    ("put", "users/{pk}/", {"full_name": "X", "role": "admin", "is_implementation_lead": True}),
    ("patch", "users/{pk}/", {"role": "admin"}),
    ("post", "users/{pk}/deactivate/", None),
    ("post", "users/{pk}/reactivate/", None),
    ("post", "users/{pk}/invite-again/", None),
]
OBJECT_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if "{pk}" in endpoint[1]]


def call(api, method, path, body=None, **extra):
    return getattr(api, method)(f"/api/v1/{path}", body, format="json", **extra)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    return error


@pytest.fixture
def second_admin(acme):
    return make_user(acme, role=User.Role.ADMIN, email="second@acme.test")


@pytest.fixture
def invited(acme, acme_admin):
    """Someone invited who has not chosen a password yet."""
    user = make_user(acme, role=User.Role.SALES, email="invited@acme.test", full_name="Ivy")
    user.set_unusable_password()
    user.save()
    return user


# --- who may call ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_caller_without_a_token_is_asked_for_one(anonymous_api, acme_sales, method, path, body):
    response = call(anonymous_api, method, path.format(pk=acme_sales.pk), body)

    assert error_of(response, 401)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_sales_user_is_told_the_user_endpoints_do_not_exist(
    sales_api, acme_sales, method, path, body
):
    response = call(sales_api, method, path.format(pk=acme_sales.pk), body)

    assert error_of(response, 404)["message"] == "Not found."
    assert User.objects.filter(email="nina.new@acme.test").exists() is False


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS)
def test_another_msps_user_is_not_found_and_not_changed(
    outsider_api, acme_sales, method, path, body
):
    before = User.objects.values().get(pk=acme_sales.pk)

    response = call(outsider_api, method, path.format(pk=acme_sales.pk), body)

    assert error_of(response, 404)["code"] == "not_found"
    assert User.objects.values().get(pk=acme_sales.pk) == before
    assert not OutgoingMessage.objects.exists()


def test_the_list_holds_every_user_of_the_admins_msp_active_or_not_and_no_one_elses(
    admin_api, outsider_api, acme, acme_admin, acme_sales, outsider
):
    gone = make_user(acme, email="gone@acme.test", full_name="Aaron Gone", is_active=False)

    mine = call(admin_api, "get", "users/").json()
    theirs = call(outsider_api, "get", "users/").json()

    # As the Users screen sorts them: by name, then e-mail (no name sorts first).
    assert [user["email"] for user in mine] == [acme_admin.email, acme_sales.email, gone.email]
    assert [user["is_active"] for user in mine] == [True, True, False]
    assert [user["email"] for user in theirs] == [outsider.email]


def test_reading_a_user_tells_role_lead_flag_status_and_a_pending_invitation(admin_api, invited):
    answer = call(admin_api, "get", f"users/{invited.pk}/").json()

    assert answer["email"] == "invited@acme.test"
    assert answer["display_name"] == "Ivy"
    assert answer["role"] == "sales"
    assert answer["is_implementation_lead"] is False
    assert answer["is_active"] is True
    assert answer["invitation_pending"] is True
    assert answer["last_login"] is None


# --- Create User: an invitation ---------------------------------------------------------------


def test_creating_a_user_invites_them_by_an_e_mail_in_the_outbox(admin_api, acme, acme_admin):
    response = call(admin_api, "post", "users/", INVITE)

    assert response.status_code == 201
    user = User.objects.get(email="nina.new@acme.test")
    assert response.json()["id"] == user.pk
    assert response.json()["invitation_pending"] is True
    assert (user.partner, user.role, user.is_implementation_lead) == (acme, "sales", True)
    assert not user.has_usable_password()
    message = OutgoingMessage.objects.get(template="user_invitation")
    assert message.to == ["nina.new@acme.test"]
    assert "/accounts/reset/" in message.text_body
    entry = history_for(user).get()
    assert (entry.action, entry.actor) == (HistoryEntry.Action.CREATE, acme_admin)


def test_an_address_of_ones_own_msp_is_refused_next_to_the_email_field(admin_api, acme_sales):
    response = call(admin_api, "post", "users/", {**INVITE, "email": "SALES@acme.TEST"})

    error = error_of(response, 400)
    assert error["fields"] == {"email": [EMAIL_TAKEN]}
    assert error["message"] == f"email: {EMAIL_TAKEN}"
    assert User.objects.filter(email__iexact="sales@acme.test").count() == 1
    assert not OutgoingMessage.objects.exists()


def test_a_missing_name_and_a_bad_address_are_told_with_the_forms_messages(admin_api):
    response = call(admin_api, "post", "users/", {**INVITE, "full_name": "", "email": "nope"})

    assert error_of(response, 400)["fields"] == {
        "full_name": ["This field is required."],
        "email": ["Enter a valid email address."],
    }
    assert not OutgoingMessage.objects.exists()


def test_a_retry_with_the_same_idempotency_key_invites_once_and_replays_the_answer(admin_api):
    first = call(admin_api, "post", "users/", INVITE, HTTP_IDEMPOTENCY_KEY="invite-nina")
    again = call(admin_api, "post", "users/", INVITE, HTTP_IDEMPOTENCY_KEY="invite-nina")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert User.objects.filter(email="nina.new@acme.test").count() == 1
    assert OutgoingMessage.objects.filter(template="user_invitation").count() == 1


# --- the edit form ----------------------------------------------------------------------------


def test_changing_name_role_and_lead_flag_saves_them_with_history(
    admin_api, acme_admin, acme_sales
):
    response = call(
        admin_api,
        "patch",
        f"users/{acme_sales.pk}/",
        {"full_name": "Sam Seller", "role": "admin", "is_implementation_lead": True},
    )

    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    acme_sales.refresh_from_db()
    assert (acme_sales.full_name, acme_sales.role) == ("Sam Seller", "admin")
    assert acme_sales.is_implementation_lead
    entry = history_for(acme_sales).get()
    assert entry.actor == acme_admin
    assert entry.changes["Role"] == ["Sales", "Admin"]


def test_a_partial_change_keeps_the_other_fields(admin_api, acme_admin):
    response = call(admin_api, "patch", f"users/{acme_admin.pk}/", {"full_name": "Ada Admin"})

    assert response.status_code == 200
    acme_admin.refresh_from_db()
    assert (acme_admin.full_name, acme_admin.role) == ("Ada Admin", "admin")
    assert acme_admin.is_implementation_lead


def test_a_full_change_needs_every_field(admin_api, acme_sales):
    response = call(admin_api, "put", f"users/{acme_sales.pk}/", {"full_name": "Sam"})

    assert set(error_of(response, 400)["fields"]) == {"role", "is_implementation_lead"}


def test_demoting_the_last_active_admin_is_refused_with_the_services_message(
    admin_api, acme, acme_admin
):
    response = call(admin_api, "patch", f"users/{acme_admin.pk}/", {"role": "sales"})

    error = error_of(response, 409)
    message = LAST_ADMIN.format(name=acme_admin, partner=acme)
    assert (error["code"], error["message"]) == ("last_admin", message)
    assert error["fields"] == {"role": [message]}
    acme_admin.refresh_from_db()
    assert acme_admin.role == "admin"


def test_an_admin_who_demotes_themselves_no_longer_finds_the_user_endpoints(
    admin_api, acme_admin, second_admin
):
    response = call(admin_api, "patch", f"users/{acme_admin.pk}/", {"role": "sales"})

    assert response.status_code == 200
    assert call(admin_api, "get", "users/").status_code == 404


# --- deactivate, reactivate -------------------------------------------------------------------


def test_deactivating_and_reactivating_a_user_changes_their_status_with_history(
    admin_api, acme_sales
):
    off = call(admin_api, "post", f"users/{acme_sales.pk}/deactivate/")
    acme_sales.refresh_from_db()
    assert (off.status_code, off.json()["is_active"], acme_sales.is_active) == (200, False, False)

    on = call(admin_api, "post", f"users/{acme_sales.pk}/reactivate/")
    acme_sales.refresh_from_db()
    assert (on.status_code, on.json()["is_active"], acme_sales.is_active) == (200, True, True)

    summaries = {entry.summary for entry in history_for(acme_sales)}
    assert summaries == {f"User {acme_sales} deactivated", f"User {acme_sales} reactivated"}


def test_deactivating_twice_answers_the_deactivated_user_again(admin_api, acme_sales):
    call(admin_api, "post", f"users/{acme_sales.pk}/deactivate/")

    again = call(admin_api, "post", f"users/{acme_sales.pk}/deactivate/")

    assert (again.status_code, again.json()["is_active"]) == (200, False)
    assert history_for(acme_sales).count() == 1


def test_deactivating_your_own_account_is_refused(admin_api, acme_admin, second_admin):
    response = call(admin_api, "post", f"users/{acme_admin.pk}/deactivate/")

    error = error_of(response, 409)
    assert (error["code"], error["message"]) == ("self_deactivation", SELF_DEACTIVATION)
    acme_admin.refresh_from_db()
    assert acme_admin.is_active


def test_deactivating_the_last_active_admin_is_refused(admin_api, acme, acme_admin):
    response = call(admin_api, "post", f"users/{acme_admin.pk}/deactivate/")

    error = error_of(response, 409)
    assert error["code"] == "last_admin"
    assert error["message"] == LAST_ADMIN.format(name=acme_admin, partner=acme)
    acme_admin.refresh_from_db()
    assert acme_admin.is_active


# --- invite again -----------------------------------------------------------------------------


def test_inviting_again_sends_a_fresh_link_to_someone_without_a_password(admin_api, invited):
    response = call(admin_api, "post", f"users/{invited.pk}/invite-again/")

    assert response.status_code == 200
    message = OutgoingMessage.objects.get(template="user_invitation")
    assert message.to == ["invited@acme.test"]
    assert history_for(invited).get().summary == "Invitation sent again to invited@acme.test"


def test_inviting_again_someone_who_chose_a_password_is_refused(admin_api, acme_sales):
    response = call(admin_api, "post", f"users/{acme_sales.pk}/invite-again/")

    error = error_of(response, 409)
    assert error["code"] == "already_joined"
    assert error["message"] == f"{acme_sales} has already chosen a password."
    assert not OutgoingMessage.objects.exists()


def test_inviting_again_a_deactivated_user_is_refused(admin_api, invited):
    invited.is_active = False
    invited.save()

    response = call(admin_api, "post", f"users/{invited.pk}/invite-again/")

    error = error_of(response, 409)
    assert error["code"] == "inactive"
    assert error["message"] == "Ivy is deactivated. Reactivate them first."
    assert not OutgoingMessage.objects.exists()
