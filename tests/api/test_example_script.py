"""The example script of a PSA integration, run as it is over HTTP against a live portal with
the demo data; the simulated provisioner confirms through the real task worker."""

import importlib.util

from django.conf import settings
from django.core.management import call_command

from portal.accounts.models import User
from portal.api.tokens import token_create
from portal.companies.models import Company
from tests.fixtures.sync import answer_rfi

SCRIPT = settings.BASE_DIR / "examples" / "api_order_and_upsell.py"


def load_script():
    spec = importlib.util.spec_from_file_location("api_order_and_upsell", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_script_orders_and_upsells_with_the_seed_figures(
    live_server,
    demo_data,
    settings,
):
    settings.SYNC_SIMULATOR_DELAY_SECONDS = 0
    _, token = token_create(user=User.objects.get(email="admin@acme-msp.example"), name="PSA")
    script = load_script()
    told = []

    def work_then_check(check, what, seconds=60):
        # Here the worker runs between the script's calls; against a real portal, it polls.
        if what == "the order's sync":
            # Meanwhile the customer's technical contact answers the Request for Information.
            answer_rfi(Company.objects.filter(status="in_progress").latest("pk"))
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
        assert check(), what

    result = script.run(
        script.Api(live_server.url, token), seats=682, wait=work_then_check, out=told.append
    )

    assert result["order_quote"]["totals"]["initial"] == "2011.90"
    assert [(c["quantity"], c["payment"]) for c in result["upsell"]["changes"]] == [
        (-682, "-2011.90"),
        (700, "2065.00"),
    ]
    assert result["change"]["agreement"]["status"] == "upsell_pending"
    effect = result["customer"]["agreement_in_effect"]
    assert (effect["version"], effect["status"], effect["total_users"]) == (2, "active", 700)
    assert effect["totals"]["monthly"] == "2065.00"
    assert told[-1] == "Synced: version 2 Active, monthly 2065.00"
