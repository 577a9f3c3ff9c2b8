"""Vendor staff reach every page of the vendor console."""

from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse


def test_staff_open_every_admin_list_and_add_page(client, staff):
    call_command("demo_data", verbosity=0)
    client.force_login(staff)

    request = RequestFactory().get("/admin/")
    request.user = staff
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        # The first the console lists (it never lists an MSP's own business, such as prices).
        first = model_admin.get_queryset(request).first()
        if first is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change


def test_msp_admin_is_kept_out_of_the_vendor_console(client, acme_admin):
    client.force_login(acme_admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
