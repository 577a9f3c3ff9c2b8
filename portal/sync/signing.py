import hashlib
import hmac

from django.conf import settings


def sync_secret() -> str:
    """The secret shared with the vendor. Unset, one derived from SECRET_KEY serves the
    simulated provisioner (a real vendor endpoint needs SYNC_SECRET: see checks)."""
    if settings.SYNC_SECRET:
        return settings.SYNC_SECRET
    return hmac.new(settings.SECRET_KEY.encode(), b"portal.sync", hashlib.sha256).hexdigest()
