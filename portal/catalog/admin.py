from django.contrib import admin

from portal.accounts.models import Partner

from .models import ContractedPrice, ListPrice, PriceList, Product


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
    list_display = ["partner", "product", "term", "min_quantity", "unit_price"]
    list_filter = ["partner", "term"]
    list_select_related = ["partner", "product"]
    autocomplete_fields = ["product"]
