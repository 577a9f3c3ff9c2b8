from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from portal.accounts.models import Partner
from portal.core.history import history_for

from .forms import TermPolicyForm
from .models import ContractedPrice, ListPrice, PriceList, Product, ProductTermPolicy
from .services import POLICY, term_policy_set, term_policy_shown


class ContractedPriceInline(admin.TabularInline):
    model = ContractedPrice
    extra = 0
    autocomplete_fields = ["product"]


# The console's MSP page is here rather than in accounts: what it edits is the MSP's products
# and contracted prices.
@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "currency", "msa_version", "downsell_notice_days"]
    search_fields = ["name"]
    # Plain multiple selects, no filter_horizontal: its script puts aria-label on a bare <span>.
    inlines = [ContractedPriceInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "charge", "term", "needs_own_seats", "is_active"]
    list_filter = ["kind", "charge", "term", "is_active"]
    search_fields = ["code", "name"]
    # The term policy is changed on its own page, which writes its history.
    exclude = POLICY
    readonly_fields = ["term_policy"]

    @admin.display(description="term policy")
    def term_policy(self, obj):
        if obj.pk is None:
            return (
                "The default (Monthly and 1-year commitment, 7 days, fewer seats at renewal, "
                "renewal deadline 1 day before term end)."
            )
        if obj.term == "one_time":
            return "None: a one-time charge has no term."
        shown = term_policy_shown(obj)
        url = reverse("admin:catalog_producttermpolicy_change", args=[obj.pk])
        return format_html(
            "{}; cancellation window {} days; fewer seats of a commitment: {}; renewal "
            'deadline {} before term end. <a href="{}">Change the term policy</a>',
            shown["terms_offered"],
            shown["cancellation_days"],
            shown["fewer_seats"].lower(),
            _days(shown["renewal_deadline_days"]),
            url,
        )


def _days(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"


def _position(name: str) -> int:
    return POLICY.index(name) if name in POLICY else len(POLICY)


PRICED = {"monthly": "Per month, billed monthly", "annual": "Per year, billed annually"}


@admin.register(ProductTermPolicy)
class ProductTermPolicyAdmin(admin.ModelAdmin):
    """The vendor's term policy of each product with a term (a one-time charge has none):
    the terms the order and change forms offer, the cancellation window, and when the seats
    of a commitment may go down. Each change is written to the history log."""

    form = TermPolicyForm
    list_display = [
        "product",
        "priced",
        "offered",
        "cancellation_window",
        "fewer_seats",
        "renewal_deadline",
    ]
    list_display_links = ["product"]
    list_filter = ["fewer_seats", "kind", "is_active"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["product", "priced"]}),
        ("Term policy", {"fields": POLICY}),
        ("History", {"fields": ["policy_history"]}),
    ]
    readonly_fields = ["product", "priced", "policy_history"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(term="one_time")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="product", ordering="code")
    def product(self, obj):
        return f"{obj.code} — {obj.name}"

    @admin.display(description="priced", ordering="term")
    def priced(self, obj):
        # The price's term decides the billing: not to be mistaken for the terms offered.
        return PRICED.get(obj.term, obj.get_term_display())

    @admin.display(description="terms offered")
    def offered(self, obj):
        return term_policy_shown(obj)["terms_offered"] or "—"

    @admin.display(description="cancellation window", ordering="cancellation_days")
    def cancellation_window(self, obj):
        return _days(obj.cancellation_days)

    @admin.display(description="renewal deadline", ordering="renewal_deadline_days")
    def renewal_deadline(self, obj):
        return f"{_days(obj.renewal_deadline_days)} before term end"

    @admin.display(description="changes so far")
    def policy_history(self, obj):
        entries = list(history_for(obj)[:10])
        if not entries:
            return "None since the product was added: the policy is as it was set up."
        labels = {name: Product._meta.get_field(name).verbose_name for name in POLICY}
        # One line per change, newest first (the last ten).
        return format_html_join(
            "",
            "<div>{} · {}: {}</div>",
            (
                (
                    f"{localtime(entry.created_at):%Y-%m-%d %H:%M}",
                    entry.actor or "—",
                    "; ".join(
                        f"{labels.get(name, name)} {was} → {now}"
                        # In the form's order (PostgreSQL's jsonb keeps keys its own way).
                        for name, (was, now) in sorted(
                            entry.changes.items(), key=lambda item: _position(item[0])
                        )
                    ),
                )
                for entry in entries
            ),
        )

    def save_model(self, request, obj, form, change):
        term_policy_set(
            product=obj,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in POLICY},
        )


class ListPriceInline(admin.TabularInline):
    model = ListPrice
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "currency", "effective_from"]
    inlines = [ListPriceInline]


@admin.register(ContractedPrice)
class ContractedPriceAdmin(admin.ModelAdmin):
    list_display = ["partner", "product", "term", "min_quantity", "unit_price", "effective_from"]
    list_filter = ["partner", "term"]
    list_select_related = ["partner", "product"]
    autocomplete_fields = ["product"]
