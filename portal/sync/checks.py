from django.conf import settings
from django.core.checks import Error, register


@register()
def vendor_endpoint_has_secret(app_configs, **kwargs):
    if settings.SYNC_VENDOR_URL and not settings.SYNC_SECRET:
        return [
            Error(
                "SYNC_VENDOR_URL is set but SYNC_SECRET is not: requests to the vendor could "
                "not be signed with the secret the vendor knows.",
                hint="Set SYNC_SECRET to the secret agreed with the vendor.",
                id="sync.E001",
            )
        ]
    return []
