from django.http import FileResponse
from django.views import View
from django.views.generic import DetailView

from portal.core.history import history_for
from portal.core.tenancy import PartnerRequiredMixin, get_for_partner_or_404
from portal.orders.models import Order

from .agreements import agreement_totals
from .models import Attachment
from .selectors import company_for_page


class CompanyDetailView(PartnerRequiredMixin, DetailView):
    template_name = "companies/company_detail.html"
    context_object_name = "company"

    def get_object(self, queryset=None):
        return company_for_page(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        company = self.object
        agreements = list(company.agreements.all())
        current = next((a for a in agreements if a.status not in a.CLOSED), None)
        return super().get_context_data(
            agreements=agreements,
            current=current,
            totals=agreement_totals(current) if current else None,
            order=Order.objects.filter(company=company).first(),
            history=history_for(company)[:50],
            **kwargs,
        )


class AttachmentDownloadView(PartnerRequiredMixin, View):
    def get(self, request, pk: int, attachment_pk: int):
        attachment = get_for_partner_or_404(
            Attachment,
            request.user,
            partner_path="company__partner",
            pk=attachment_pk,
            company_id=pk,
        )
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
