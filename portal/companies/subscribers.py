"""What the companies app does when something happens elsewhere (see portal.core.events)."""

from portal.core import events

from .models import Company


@events.subscribe(events.USER_RENAMED)
def lead_renamed(event: events.Happened) -> None:
    """Keep the lead's name on companies in step after the user's name changes (the list sorts
    by it)."""
    Company.objects.filter(implementation_lead=event.user).update(lead_name=str(event.user))
