"""Quote branding: an MSP's Admins set the name, address and logo its quotes show; the logo is
read with bounds and kept as a PNG made anew; anything else is refused next to the field."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.quotes.models import QuoteBranding

URL = "/quotes/branding/"


def image(kind="PNG", size=(300, 100)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, format=kind)
    return out.getvalue()


def post(client, logo: bytes | None = None, name="Acme IT Services", **more):
    data = {"name": name, "address": "1 Main St\nSpringfield", **more}
    if logo is not None:
        data["logo_file"] = SimpleUploadedFile("logo.png", logo, content_type="image/png")
    return client.post(URL, data)


def test_an_admin_sets_the_name_address_and_logo(client, acme_admin):
    client.force_login(acme_admin)

    response = post(client, image("JPEG", (1200, 400)))

    assert response.status_code == 302
    branding = QuoteBranding.objects.get()
    assert (branding.name, branding.address) == ("Acme IT Services", "1 Main St\nSpringfield")
    logo = Image.open(io.BytesIO(bytes(branding.logo)))
    assert logo.format == "PNG" and logo.size == (600, 200)
    assert client.get(reverse("quotes:logo"))["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (b"not an image", "The logo could not be read as a PNG or JPEG image."),
        (image("GIF"), "The logo must be a PNG or JPEG image."),
        (image("PNG", (2500, 10)), "The logo is at most 2000 × 2000 pixels."),
        (b"\x89PNG" + b"0" * (600 * 1024), "The logo is larger than 512 KB."),
    ],
)
def test_a_bad_logo_is_refused_next_to_the_field(client, acme_admin, logo, message):
    client.force_login(acme_admin)

    response = post(client, logo)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not QuoteBranding.objects.exists()


def test_a_huge_image_claimed_by_a_small_file_is_refused(client, acme_admin):
    # A PNG header saying 100,000 x 100,000 pixels: refused before any pixel is decoded.
    small = image("PNG", (1, 1))
    bomb = small[:16] + (100_000).to_bytes(4, "big") * 2 + small[24:]
    client.force_login(acme_admin)

    response = post(client, bomb)

    assert response.status_code == 400
    assert not QuoteBranding.objects.exists()


def test_only_admins_set_it(client, acme_sales):
    client.force_login(acme_sales)

    assert client.get(URL).status_code == 404
    assert post(client, image()).status_code == 404
