"""How many set-password e-mails may go out: so the portal cannot be made to flood someone's
inbox, nor to send mail without end for an attacker."""

from django.conf import settings

from portal.core.counters import count_one

HOUR = 3600


class TooManyEmails(Exception):
    def __init__(self, retry_in: int):
        self.retry_in = retry_in
        minutes = max(1, round(retry_in / 60))
        super().__init__(f"Try again in {minutes} minute{'' if minutes == 1 else 's'}.")


def _take(who: str, limit: int) -> None:
    count, retry_in = count_one(who, HOUR)
    if count > limit:
        raise TooManyEmails(retry_in)


def password_reset_take(*, email: str, address: str | None) -> None:
    """One password-reset e-mail, per address typed and per client address."""
    _take(f"reset-ip:{address or ''}", settings.PASSWORD_RESETS_PER_HOUR_PER_CLIENT)
    _take(f"reset-to:{email.strip().lower()}", settings.PASSWORD_RESETS_PER_HOUR_PER_EMAIL)


def invitation_take(*, partner_id: int, email: str) -> None:
    """One invitation e-mail, per invited address and per MSP."""
    _take(f"invite-to:{email.strip().lower()}", settings.INVITATIONS_PER_HOUR_PER_EMAIL)
    _take(f"invite-msp:{partner_id}", settings.INVITATIONS_PER_HOUR_PER_PARTNER)
