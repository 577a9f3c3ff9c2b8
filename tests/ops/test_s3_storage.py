"""Files in S3-compatible storage: django-storages' S3Storage against a local S3 server (moto's,
started by the test). An order's addendum is written to the bucket and downloads through the
tenant-scoped view and the API; another MSP gets 404; a file that cannot be saved leaves no row.

The portal's other files never touch the storage: an uploaded prospect file is kept in the
database with its import (rolled back with it), and exports are streamed as they are made.
"""

import socket
import uuid
from types import SimpleNamespace

import pytest
from django.urls import reverse

from portal.companies.models import Attachment
from portal.companies.services import attachment_add
from tests.fixtures.api import client_for
from tests.fixtures.sync import submit_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(settings):
    """A bucket of its own (moto keeps its buckets for the process), and the portal's file
    storage pointed at it."""
    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"access_key": "portal-test", "secret_key": "portal-test-secret"}
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=keys["access_key"],
        aws_secret_access_key=keys["secret_key"],
    )
    name = f"portal-files-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                **keys,
            },
        },
    }
    yield SimpleNamespace(s3=s3, name=name)
    server.stop()


def stored(bucket) -> dict[str, bytes]:
    s3, name = bucket.s3, bucket.name
    listed = s3.list_objects_v2(Bucket=name).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in listed}


def test_an_orders_addendum_is_stored_in_the_bucket_and_downloads_for_its_msp(
    bucket, client, prospect, acme_admin, acme_sales, sync_settings
):
    submit_order(prospect, acme_admin)
    addendum = Attachment.objects.get(company=prospect)

    files = stored(bucket)
    assert list(files) == [addendum.file.name]
    assert files[addendum.file.name].startswith(b"%PDF")

    client.force_login(acme_sales)
    response = client.get(reverse("companies:attachment", args=[prospect.pk, addendum.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files[addendum.file.name]


def test_the_api_downloads_it_from_the_bucket_for_its_msp_only(
    bucket, prospect, acme_admin, outsider
):
    attachment = attachment_add(
        company=prospect,
        name="notes.pdf",
        content=b"%PDF-1.4 kept in the bucket",
        content_type="application/pdf",
        actor=acme_admin,
    )
    url = f"/api/v1/customers/{prospect.pk}/attachments/{attachment.pk}/"

    response = client_for(acme_admin).get(url)

    assert stored(bucket) == {attachment.file.name: b"%PDF-1.4 kept in the bucket"}
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 kept in the bucket"
    assert client_for(outsider).get(url).status_code == 404


def test_another_msps_user_cannot_download_it(bucket, client, prospect, acme_admin, outsider):
    attachment = attachment_add(
        company=prospect,
        name="notes.pdf",
        content=b"%PDF-1.4 private",
        content_type="application/pdf",
        actor=acme_admin,
    )
    client.force_login(outsider)

    response = client.get(reverse("companies:attachment", args=[prospect.pk, attachment.pk]))

    assert response.status_code == 404


def test_a_file_the_bucket_refuses_leaves_no_attachment(bucket, prospect, acme_admin):
    bucket.s3.delete_bucket(Bucket=bucket.name)  # the bucket is gone: every write fails

    with pytest.raises(Exception):  # noqa: B017, PT011 — whatever boto3 raises for it
        attachment_add(
            company=prospect,
            name="notes.pdf",
            content=b"%PDF-1.4",
            content_type="application/pdf",
            actor=acme_admin,
        )

    assert not Attachment.objects.exists()
