"""Idempotency-Key: the same request again replays the first answer; another body with the
key is refused (422); while the first still runs, 409; keys are kept for 24 hours."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from portal.api.models import IdempotencyKey
from portal.companies.models import Company

URL = "/api/v1/prospects/"


def prospect(name="Woodgrove Bank", domain="woodgrove.example", lead=None) -> dict:
    return {
        "company_type": "end_customer",
        "name": name,
        "domain": domain,
        "sector": "finance",
        "implementation_lead": lead,
        "permitted_users": 50,
    }


def create(api, body, key):
    return api.post(URL, body, format="json", headers={"Idempotency-Key": key})


def test_the_same_key_and_body_replays_the_first_response_without_a_second_prospect(
    admin_api, acme_admin
):
    body = prospect(lead=acme_admin.pk)

    first = create(admin_api, body, "key-1")
    second = create(admin_api, body, "key-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Company.objects.filter(name="Woodgrove Bank").count() == 1


def test_the_same_key_with_another_body_is_refused_with_422(admin_api, acme_admin):
    create(admin_api, prospect(lead=acme_admin.pk), "key-1")

    other = create(
        admin_api, prospect("Fourth Coffee", "fourthcoffee.example", acme_admin.pk), "key-1"
    )

    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert not Company.objects.filter(name="Fourth Coffee").exists()


def test_a_refusal_is_replayed_too_and_a_new_key_tries_again(admin_api, acme_admin):
    body = prospect(lead=None)
    first = create(admin_api, body, "key-1")
    again = create(admin_api, body, "key-1")
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()
    assert first.json()["error"]["fields"]["implementation_lead"]

    fixed = create(admin_api, prospect(lead=acme_admin.pk), "key-2")
    assert fixed.status_code == 201


def test_a_request_still_running_with_the_key_is_answered_409(admin_api, acme_admin):
    body = prospect(lead=acme_admin.pk)
    IdempotencyKey.objects.create(user=acme_admin, key="key-1", fingerprint="x")  # running
    running = create(admin_api, body, "key-1")
    assert running.status_code == 422  # another body: the fingerprint differs

    IdempotencyKey.objects.all().delete()
    first = create(admin_api, body, "key-1")
    IdempotencyKey.objects.update(state=IdempotencyKey.State.IN_PROGRESS)
    busy = create(admin_api, body, "key-1")
    assert first.status_code == 201
    assert busy.status_code == 409
    assert busy.json()["error"]["code"] == "idempotency_key_in_use"


def test_keys_belong_to_their_user(admin_api, sales_api, acme_admin):
    body = prospect(lead=acme_admin.pk)
    assert create(admin_api, body, "shared").status_code == 201
    # Another user's same key is another request: it runs (and meets the name rule).
    other = create(sales_api, body, "shared")
    assert other.status_code == 400
    assert "Idempotent-Replayed" not in other.headers


def test_a_key_is_kept_24_hours_then_forgotten(admin_api, acme_admin, settings):
    body = prospect(lead=acme_admin.pk)
    create(admin_api, body, "key-1")
    day_ago = timezone.now() - datetime.timedelta(hours=23, minutes=59)
    IdempotencyKey.objects.update(created_at=day_ago)
    assert create(admin_api, body, "key-1").headers["Idempotent-Replayed"] == "true"

    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    later = create(admin_api, body, "key-1")
    assert later.status_code == 400  # run again: the name is taken now
    assert "Idempotent-Replayed" not in later.headers


def test_a_key_longer_than_255_characters_is_refused(admin_api, acme_admin):
    answer = create(admin_api, prospect(lead=acme_admin.pk), "k" * 256)
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {
        "Idempotency-Key": ["Use 1 to 255 characters, such as a UUID."]
    }


def test_the_database_allows_one_row_per_user_and_key(acme_admin):
    from django.db import IntegrityError, transaction

    IdempotencyKey.objects.create(user=acme_admin, key="k", fingerprint="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(user=acme_admin, key="k", fingerprint="a")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_make_one_prospect(acme_admin):
    from tests.fixtures.api import client_for

    body = prospect(lead=acme_admin.pk)
    clients = [client_for(acme_admin) for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    answers = []

    def send(api):
        barrier.wait()
        try:
            answers.append(create(api, body, "same-key"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(api,)) for api in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    codes = sorted(a.status_code for a in answers)
    assert len(codes) == 6
    assert codes.count(201) >= 1 and set(codes) <= {201, 409}
    assert Company.objects.filter(name="Woodgrove Bank").count() == 1
    made = [a.json() for a in answers if a.status_code == 201]
    assert all(m["id"] == made[0]["id"] for m in made)


def test_the_purge_forgets_only_keys_past_their_time(acme_admin, acme_sales):
    from django.core.management import call_command

    old = timezone.now() - datetime.timedelta(hours=25)
    IdempotencyKey.objects.create(user=acme_admin, key="old", fingerprint="a", created_at=old)
    IdempotencyKey.objects.create(user=acme_sales, key="new", fingerprint="a")

    call_command("idempotency_purge", verbosity=0)

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_a_request_whose_process_died_leaves_nothing_and_its_key_runs_again_later(
    admin_api, acme_admin, monkeypatch
):
    from portal.api.views import prospects

    body = prospect(lead=acme_admin.pk)
    real_save = prospects._save

    def save_then_die(*args, **kwargs):
        real_save(*args, **kwargs)
        raise KeyboardInterrupt  # the worker is killed after the prospect was written

    monkeypatch.setattr(prospects, "_save", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        create(admin_api, body, "key-1")
    monkeypatch.undo()

    # The prospect went with the transaction, and the key was let go: it runs again.
    assert not Company.objects.filter(name="Woodgrove Bank").exists()
    assert not IdempotencyKey.objects.exists()
    assert create(admin_api, body, "key-1").status_code == 201


def test_a_key_left_in_progress_by_a_dead_process_is_taken_over_once_stale(admin_api, acme_admin):
    body = prospect(lead=acme_admin.pk)
    first = create(admin_api, body, "key-1")
    Company.objects.filter(pk=first.json()["id"]).delete()  # as if it had been rolled back
    IdempotencyKey.objects.update(state=IdempotencyKey.State.IN_PROGRESS)

    assert create(admin_api, body, "key-1").status_code == 409  # may still be running
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    again = create(admin_api, body, "key-1")

    assert again.status_code == 201
    assert Company.objects.filter(name="Woodgrove Bank").count() == 1
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.DONE


def test_a_refusal_of_the_objects_state_is_not_kept_so_the_key_can_pass_later(admin_api, northwind):
    from portal.companies.models import Company as Customer

    url = f"/api/v1/customers/{northwind.pk}/change-quotes/"
    Customer.objects.filter(pk=northwind.pk).update(status=Customer.Status.IN_PROGRESS)
    closed = admin_api.post(url, {"seats": 700}, format="json", headers={"Idempotency-Key": "q"})
    Customer.objects.filter(pk=northwind.pk).update(status=Customer.Status.COMPLETE)
    opened = admin_api.post(url, {"seats": 700}, format="json", headers={"Idempotency-Key": "q"})

    assert closed.status_code == 409
    assert opened.status_code == 201


def test_the_schedulers_purge_job_forgets_old_keys(acme_admin):
    from portal.core.tasks import purge

    old = timezone.now() - datetime.timedelta(hours=25)
    IdempotencyKey.objects.create(user=acme_admin, key="old", fingerprint="a", created_at=old)

    purge.call()

    assert not IdempotencyKey.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_a_slow_request_is_not_taken_over_while_it_still_runs(acme_admin, monkeypatch):
    from portal.api import idempotency
    from portal.api.views import prospects
    from tests.fixtures.api import client_for

    monkeypatch.setattr(idempotency, "STALE", datetime.timedelta(0))  # stale at once
    real_save = prospects._save

    def slow_save(*args, **kwargs):
        saved = real_save(*args, **kwargs)
        time.sleep(1)  # still in its transaction, holding the key
        return saved

    monkeypatch.setattr(prospects, "_save", slow_save)
    body = prospect(lead=acme_admin.pk)
    first_api, retry_api = client_for(acme_admin), client_for(acme_admin)
    answers = {}

    def first():
        try:
            answers["first"] = create(first_api, body, "slow")
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.4)
    answers["retry"] = create(retry_api, body, "slow")
    thread.join(10)

    assert answers["first"].status_code == 201
    assert answers["retry"].status_code in (201, 409)
    assert Company.objects.filter(name="Woodgrove Bank").count() == 1
