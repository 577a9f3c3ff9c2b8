"""E-mail as a template trio: ``emails/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_render(name: str, context: dict) -> RenderedEmail:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    return RenderedEmail(
        # A subject is one line, whatever the template's line breaks.
        subject=" ".join(subject.split()),
        text=render_to_string(f"emails/{name}.txt", context),
        html=render_to_string(f"emails/{name}.html", context),
    )
