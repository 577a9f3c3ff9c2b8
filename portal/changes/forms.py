"""The change form of a customer: Total Number of Seats, Primary Implementation Lead, the
primary product choice and the add-ons."""

from functools import cached_property

from django import forms

from portal.accounts.selectors import implementation_leads_for
from portal.catalog.models import Commitment, Product
from portal.catalog.selectors import price_table_for
from portal.companies.seats import MAX_USERS
from portal.core.text import Form
from portal.orders.forms import OrderDetails
from portal.orders.rules import UNTICKED_REVIEW
from portal.pricebook.selectors import QuoteMargin, customer_prices, quote_margin, rules_of

from . import proposal as rules
from .models import ChangeOrder
from .proposal import Current, Proposal

Mode = ChangeOrder.Mode


class ChangeForm(Form):
    seats = forms.IntegerField(
        label="Total Number of Seats",
        min_value=1,
        max_value=MAX_USERS,
        help_text="The new total for the customer, not the difference.",
        error_messages={"min_value": rules.SEATS_TOO_LOW},
    )
    implementation_lead = forms.ModelChoiceField(
        label="Primary Implementation Lead", queryset=None, empty_label="Choose…"
    )
    mode = forms.ChoiceField(label="Primary Product", widget=forms.RadioSelect)
    add_primary = forms.ChoiceField(label="Add to", required=False)
    new_primary = forms.ChoiceField(label="Select New", required=False)

    def __init__(self, data=None, *, company, current: Current, enabled, change=None):
        self.company, self.current = company, current
        self.products = {p.code: p for p in enabled}
        self.addable = rules.can_add(current, enabled)
        self.upgrades = rules.can_select(current, enabled)
        self.addon_products = [p for p in enabled if p.kind == Product.Kind.ADDON]
        super().__init__(data, initial=self._initial(change))
        self.fields["implementation_lead"].queryset = implementation_leads_for(company.partner)
        keep = ", ".join(f"{p.code} — {p.name}" for p in current.primaries)
        modes = [(Mode.KEEP, f"Keep Existing ({keep})")]
        if self.addable:
            modes.append((Mode.ADD, "Add to"))
        if self.upgrades:
            modes.append((Mode.NEW, "Select New"))
        self.fields["mode"].choices = modes
        self.fields["add_primary"].choices = _choices(self.addable)
        self.fields["new_primary"].choices = _choices(self.upgrades)
        for addon in self.addon_products:
            self.fields[f"addon_{addon.code}"] = forms.BooleanField(
                required=False, label=f"{addon.code} — {addon.name}"
            )
            if addon.needs_own_seats:
                self.fields[f"addon_seats_{addon.code}"] = forms.IntegerField(
                    required=False, min_value=1, max_value=MAX_USERS, label="Seats"
                )
        self.proposal = self.quote = self.kind = self.timing = None
        self.tiers = {}
        self.renewal_offers: list[rules.RenewalOffer] = []
        # What Preview Change Quote shows: the change once priced; before any change (or back
        # at none), the agreement in effect, as the seeds show it when the screen opens.
        self.preview = None if self.is_bound else rules.as_is(self._table(), current)

    def _table(self):
        return price_table_for(partner=self.company.partner)

    def _initial(self, change: ChangeOrder | None) -> dict:
        start = rules.start_of(self.current, self.company, change)
        initial = {
            "seats": start.seats,
            "implementation_lead": start.lead_id,
            "mode": start.mode,
            "add_primary": start.primary if start.mode == Mode.ADD else "",
            "new_primary": start.primary if start.mode == Mode.NEW else "",
        }
        for code, seats in start.addons.items():
            initial[f"addon_{code}"] = True
            initial[f"addon_seats_{code}"] = seats
        return initial

    def initial_data(self) -> dict:
        """The form's initial values (today's, or the saved quote's) as posted data, to
        validate and price them again."""
        data = {}
        for name, field in self.fields.items():
            value = self.get_initial_for_field(field, name)
            if value not in (None, "", False):
                data[name] = "on" if value is True else str(getattr(value, "pk", value))
        return data

    def true_up_data(self, code: str, seats: int) -> dict | None:
        """The form's values with ``code`` at ``seats`` (True up, from Customers |
        Reconciliation), as posted data; None when the change form cannot set that product's
        seats (a primary product not in the agreement: chosen under Primary Product)."""
        data = self.initial_data()
        product = self.products.get(code) or self.current.products.get(code)
        if product is None:
            return None
        if product in self.current.primaries:
            data["seats"] = str(seats)
        elif product.kind == Product.Kind.ADDON and product in self.addon_products:
            data[f"addon_{code}"] = "on"
            if product.needs_own_seats:
                data[f"addon_seats_{code}"] = str(seats)
            else:  # an add-on on every seat: its seats are the total
                data["seats"] = str(seats)
        else:
            return None
        return data

    def posted(self) -> list[tuple[str, str]]:
        """The change form's own values as posted: Review Change Order carries them to Submit
        (and back to Change Options) so that nothing needs saving in between."""
        return [
            (name, str(self.data[name]))
            for name in self.fields
            if self.data.get(name) not in (None, "")
        ]

    def change_rows(self):
        """Changes to Existing Products, each new line with the volume tier it moved into."""
        return [
            (line, self.tiers.get(line.code) if line.quantity > 0 else None)
            for line in self.preview.changes
        ]

    def term_rows(self):
        """The term each current product runs on today: (line, commitment label, term end,
        auto-renew); a one-time product has none."""
        rows = []
        for line in self.current.lines:
            if term := self.current.terms.get(line.code):
                label = Commitment(term.commitment).label
                rows.append((line, label, term.term_end, term.auto_renew))
        return rows

    def co_termed_rows(self):
        """Each product the change adds, with the product whose term it joins and its end."""
        if not self.timing:
            return []
        return [
            (code, host, self.timing.terms[code].term_end)
            for code, host in self.timing.co_termed.items()
        ]

    def addon_rows(self):
        return [
            (
                self[f"addon_{p.code}"],
                self[f"addon_seats_{p.code}"] if p.needs_own_seats else None,
            )
            for p in self.addon_products
        ]

    def clean(self):
        cleaned = super().clean()
        if "seats" not in cleaned or "mode" not in cleaned:
            return cleaned
        mode = cleaned["mode"]
        primary = None
        if mode in (Mode.ADD, Mode.NEW):
            name = "add_primary" if mode == Mode.ADD else "new_primary"
            if not cleaned.get(name):
                self.add_error(name, rules.CHOOSE_PRODUCT)
                return cleaned
            primary = self.products[cleaned[name]]
        addons = {}
        for addon in self.addon_products:
            if cleaned.get(f"addon_{addon.code}"):
                addons[addon] = cleaned.get(f"addon_seats_{addon.code}")
        proposal = Proposal(seats=cleaned["seats"], mode=mode, primary=primary, addons=addons)
        table = self._table()
        checked = rules.check(
            table,
            self.current,
            proposal,
            self.products | self.current.products,
            priceable=not self.errors,
        )
        # A seat decrease the term does not allow is said next to the seats, with Schedule
        # for renewal instead.
        self.renewal_offers = rules.renewal_offers(
            self.current, proposal, self.products | self.current.products
        )
        refusals = [offer.refusal for offer in self.renewal_offers]
        for message in checked.problems:
            self.add_error("seats" if message in refusals else None, message)
        if checked.quote:
            self.proposal, self.kind, self.quote = proposal, checked.kind, checked.quote
            self.preview, self.tiers = checked.quote, checked.tiers
            self.timing = checked.timing
        elif checked.problems == [rules.NO_CHANGE]:
            self.preview = rules.as_is(table, self.current)
        return cleaned

    @cached_property
    def margin(self) -> QuoteMargin | None:
        """The preview at the MSP's own prices (None: no quote, or no price book yet)."""
        if self.preview is None:
            return None
        prices = customer_prices(self.company.partner, self.company)
        if not prices:
            return None
        quote = self.preview
        return quote_margin(
            list(quote.prior), list(quote.proposed), rules_of(prices), quote.new_totals.currency
        )


def _choices(products: list[Product]) -> list[tuple[str, str]]:
    return [("", "Choose…"), *((p.code, f"{p.code} — {p.name}") for p in products)]


class ReviewForm(OrderDetails):
    """Review Change Order: Order Details and the two statements; Submit checks them all.
    ``quoted`` is the fingerprint of the figures the page showed: Submit refuses other ones."""

    quoted = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, msp: str):
        super().__init__(data)
        self.set_statements(msp, required=True, unticked=UNTICKED_REVIEW)

    def clean(self):
        cleaned = super().clean()
        self.clean_order_details(cleaned, submitting=True)
        return cleaned
