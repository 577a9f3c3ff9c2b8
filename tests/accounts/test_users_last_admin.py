"""An MSP always keeps one active Admin: the services refuse to demote or deactivate the last."""

import threading

import pytest
from django.db import connection, transaction

from portal.accounts.models import User
from portal.accounts.services import LastAdminError, user_deactivate, user_update
from tests.fixtures.factories import make_user


def demote(user, actor):
    return user_update(
        user=user,
        actor=actor,
        role=User.Role.SALES,
        is_implementation_lead=user.is_implementation_lead,
        full_name=user.full_name,
    )


def test_demoting_the_last_admin_raises(acme_admin):
    with pytest.raises(LastAdminError):
        demote(acme_admin, acme_admin)

    acme_admin.refresh_from_db()
    assert acme_admin.role == User.Role.ADMIN


def test_deactivating_the_last_admin_raises_whoever_asks(acme_admin, staff):
    with pytest.raises(LastAdminError):
        user_deactivate(user=acme_admin, actor=staff)

    acme_admin.refresh_from_db()
    assert acme_admin.is_active


def test_another_msps_admins_do_not_count(acme_admin, outsider, staff):
    with pytest.raises(LastAdminError):
        user_deactivate(user=acme_admin, actor=staff)


def test_the_check_reads_the_database_not_a_stale_copy(acme, acme_admin, staff):
    other = make_user(acme, role=User.Role.ADMIN, email="other@acme.test")
    stale_other = User.objects.get(pk=other.pk)
    demote(acme_admin, staff)  # `other` is now the only Admin

    with pytest.raises(LastAdminError):
        user_deactivate(user=stale_other, actor=staff)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's shared in-memory test database locks whole tables instead of queueing",
)
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(acme, staff):
    # given two Admins, each demoting the other in its own transaction
    first = make_user(acme, role=User.Role.ADMIN, email="first@acme.test")
    second = make_user(acme, role=User.Role.ADMIN, email="second@acme.test")
    first_has_demoted = threading.Event()
    outcome = {}

    def demote_second_and_hold():
        try:
            with transaction.atomic():
                demote(User.objects.get(pk=second.pk), first)
                first_has_demoted.set()
                # hold the transaction open while the other one tries
                threading.Event().wait(0.5)
            outcome["first"] = "demoted"
        finally:
            first_has_demoted.set()
            connection.close()

    def demote_first():
        first_has_demoted.wait()
        try:
            demote(User.objects.get(pk=first.pk), second)
            outcome["second"] = "demoted"
        except LastAdminError:
            outcome["second"] = "refused"
        finally:
            connection.close()

    # when both run at the same time
    threads = [
        threading.Thread(target=demote_second_and_hold),
        threading.Thread(target=demote_first),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then exactly one wins and the MSP keeps an Admin
    assert outcome == {"first": "demoted", "second": "refused"}
    assert list(
        User.objects.filter(partner=acme, role=User.Role.ADMIN).values_list("email", flat=True)
    ) == ["first@acme.test"]
