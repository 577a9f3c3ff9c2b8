"""The form behind the signed link (no login), and Resend on the customer page (MSP users)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from portal.companies.selectors import company_for
from portal.core.http import client_ip
from portal.core.tenancy import PartnerRequiredMixin

from .forms import InformationRequestForm
from .links import LinkExpired, LinkProblem, LinkReplaced, link_max_age, rfi_for_token
from .services import RfiLocked, RfiNotSendable, rfi_locked_message, rfi_save, rfi_send


# The answers are the customer's: no shared cache may keep the page.
@method_decorator(never_cache, name="dispatch")
class InformationRequestFormView(View):
    template_name = "rfi/rfi_form.html"

    def dispatch(self, request, token: str):
        try:
            self.rfi = rfi_for_token(token)
        except LinkProblem as problem:
            return self.link_problem(problem)
        return super().dispatch(request, token)

    def link_problem(self, problem: LinkProblem):
        # Says only what is wrong with the link: not whose form it was.
        kind = {LinkExpired: "expired", LinkReplaced: "replaced"}.get(type(problem), "invalid")
        context = {"kind": kind, "max_age_days": link_max_age().days}
        return render(self.request, "rfi/link_problem.html", context, status=problem.status)

    def render(self, form=None, *, locked_message=""):
        rfi = self.rfi
        context = {
            "rfi": rfi,
            "company": rfi.company,
            "form": form,
            "expires_at": rfi.sent_at + link_max_age(),
            "locked_message": locked_message or rfi_locked_message(rfi),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, token: str):
        if not self.rfi.is_editable:
            return self.render()
        return self.render(InformationRequestForm(instance=self.rfi))

    def post(self, request, token: str):
        if not self.rfi.is_editable:
            return self.render()
        form = InformationRequestForm(request.POST, instance=self.rfi)
        if not form.is_valid():
            return self.render(form)
        first = self.rfi.status == self.rfi.Status.SENT
        try:
            rfi_save(rfi=self.rfi, answers=form.answers(), ip=client_ip(request))
        except RfiLocked as exc:
            # Provisioning started while the form was open: show the stored answers instead.
            self.rfi.refresh_from_db()
            self.rfi.company.refresh_from_db()
            return self.render(locked_message=" ".join(exc.messages))
        messages.success(
            request,
            "Thank you: your answers are saved and on their way to the vendor. You can change "
            "them with this link until the vendor confirms the order."
            if first
            else "Your changes are saved; the new answers go to the vendor.",
        )
        return redirect(request.path)


class InformationRequestResendView(PartnerRequiredMixin, View):
    """A new link to the implementation lead; earlier links stop working."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        company = company_for(request.user, pk)
        try:
            rfi = rfi_send(company=company, actor=request.user)
        except RfiNotSendable as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"A new link to the Request for Information form is on its way to "
                f"{company.implementation_lead} ({rfi.sent_to}).",
            )
        return redirect("companies:detail", pk=company.pk)
