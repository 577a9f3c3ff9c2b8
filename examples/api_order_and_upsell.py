#!/usr/bin/env python3
"""A PSA tool's script, using only the portal's REST API (and only Python's standard library):
create a prospect, price and submit its order, wait for the vendor's sync, then quote and
submit an upsell of a few more seats.

    python3 examples/api_order_and_upsell.py http://127.0.0.1:8000 msp_…  [--seats 682]

Make the token on your profile page (Integrations | API Tokens). Every POST carries an
Idempotency-Key, so running a step again after a lost answer never orders twice.
"""

import argparse
import json
import time
import urllib.error
import urllib.request
import uuid


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base.rstrip("/"), token

    def call(self, method: str, path: str, body: dict | None = None, key: str | None = None):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(
            f"{self.base}/api/v1{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            error = json.loads(exc.read() or b"{}").get("error", {})
            raise SystemExit(
                f"{method} {path}: {exc.code} {error.get('message')} {error}"
            ) from None

    def get(self, path: str):
        return self.call("GET", path)

    def post(self, path: str, body: dict, key: str):
        return self.call("POST", path, body, key)


def wait_until(check, what: str, seconds: float = 60) -> None:
    """Poll ``check`` until it is true: the vendor confirms in its own time."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"Gave up waiting for {what}.")
        time.sleep(1)


def run(api: Api, *, seats: int = 682, more: int = 18, wait=wait_until, out=print) -> dict:
    run_id = uuid.uuid4().hex[:8]
    me = api.get("/me/")
    lead = api.get("/implementation-leads/")[0]
    primary = next(p for p in api.get("/price-list/")["products"] if p["kind"] == "primary")
    out(f"{me['partner_name']} as {me['email']}; lead {lead['display_name']}; {primary['code']}")

    prospect = api.post(
        "/prospects/",
        {
            "company_type": "end_customer",
            "name": f"Tailspin Toys {run_id}",
            "domain": f"tailspin-{run_id}.example",
            "sector": "retail",
            "implementation_lead": lead["id"],
            "permitted_users": seats,
            "products": [{"code": primary["code"]}],
        },
        key=f"{run_id}-prospect",
    )
    pid = prospect["id"]
    quote = api.post(f"/prospects/{pid}/order/preview/", {}, key=f"{run_id}-preview")
    out(f"Order: Total Initial Fees {quote['totals']['currency']} {quote['totals']['initial']}")

    questions = "mail_server archive_solution security_msp security_on_premise continuity citrix"
    questions += " server_os server_os_edition ad_environment two_factor"
    order = api.post(
        f"/prospects/{pid}/order/submit/",
        {
            "infrastructure": dict.fromkeys(questions.split(), "Not Known"),
            "order_number_not_required": True,
            "accept_msa": True,
            "accept_authority": True,
            "quoted_initial": quote["totals"]["initial"],
        },
        key=f"{run_id}-order",
    )
    out(f"Submitted: agreement version 1 {order['agreement']['status_label']}")

    # The vendor provisions a new customer once its Request for Information is answered (the
    # form's link went to the implementation lead): the order waits for that, then the sync.
    out("Waiting for the Request for Information answers and the vendor's confirmation")
    wait(
        lambda: api.get(f"/customers/{pid}/")["status"] == "complete",
        "the order's sync",
        seconds=3600,
    )
    out("Synced: the customer is Complete")

    upsell = api.post(
        f"/customers/{pid}/change-quotes/preview/", {"seats": seats + more}, key=f"{run_id}-up"
    )
    for line in upsell["changes"]:
        out(f"  {line['code']} {line['quantity']:>6} × {line['unit_price']} = {line['payment']}")
    saved = api.post(
        f"/customers/{pid}/change-quotes/", {"seats": seats + more}, key=f"{run_id}-quote"
    )
    change = api.post(
        f"/change-quotes/{saved['id']}/submit/",
        {"order_number_not_required": True, "accept_msa": True, "accept_authority": True},
        key=f"{run_id}-change",
    )
    out(f"Submitted: agreement version 2 {change['agreement']['status_label']}")

    wait(
        lambda: api.get(f"/customers/{pid}/")["change_options"]["enabled"],
        "the change's sync",
    )
    customer = api.get(f"/customers/{pid}/")
    effect = customer["agreement_in_effect"]
    out(f"Synced: version {effect['version']} Active, monthly {effect['totals']['monthly']}")
    return {"customer": customer, "order_quote": quote, "upsell": upsell, "change": change}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("token")
    parser.add_argument("--seats", type=int, default=682)
    arguments = parser.parse_args()
    run(Api(arguments.base_url, arguments.token), seats=arguments.seats)


if __name__ == "__main__":
    main()
