import re

from portal.core.models import OutgoingMessage

LINK = re.compile(r"https?://[^/\s]+(/rfi/[^/\s]+/)")


def link_in(text: str) -> str:
    """The path of the form link in an e-mail body."""
    return LINK.search(text).group(1)


def last_link() -> str:
    message = OutgoingMessage.objects.filter(template="rfi_request").latest("id")
    return link_in(message.text_body)


def answers(**changes) -> dict:
    """A complete, valid set of answers as the form posts them."""
    data = {
        "contact_name": "Tom Tech",
        "contact_email": "tom@northwind.example",
        "contact_phone": "+1 555 0100",
        "additional_domains": "northwind-traders.example\nNWT.example",
        "inbound_hosts": "mx1.northwind.example\n192.0.2.25\n2001:db8::25",
        "outbound_smarthost": "smtp.northwind.example:587",
        "mailbox_count": "120",
        "go_live_date": "2099-01-15",
        "notes": "Migrate the shared mailboxes first.",
    }
    data.update(changes)
    return data
