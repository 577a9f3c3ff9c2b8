"""``{% rfi_status company %}``: the Request for Information block of the customer page."""

from django import template

from portal.companies.models import Company

from ..links import link_max_age
from ..models import InformationRequest

register = template.Library()


@register.inclusion_tag("rfi/_status.html")
def rfi_status(company: Company) -> dict:
    # The CSRF token of the page reaches the Resend form: inclusion tags pass it on.
    rfi = InformationRequest.objects.select_related("sent_by").filter(company=company).first()
    lead = company.implementation_lead
    return {
        "company": company,
        "rfi": rfi,
        "answers": rfi.answer_rows()
        if rfi and rfi.status == InformationRequest.Status.SUBMITTED
        else [],
        "expires_at": rfi.sent_at + link_max_age() if rfi else None,
        "in_progress": company.status == Company.Status.IN_PROGRESS,
        "can_send": bool(lead and lead.is_active and lead.email),
    }
