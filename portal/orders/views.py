from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from portal.companies.models import Agreement, Company
from portal.companies.selectors import company_for
from portal.core.http import client_ip
from portal.core.tenancy import PartnerRequiredMixin
from portal.rfi.services import RfiNotSendable

from .forms import OrderForm
from .infrastructure import Options
from .models import Order, Question
from .rules import PricesMoved
from .selectors import draft_of, order_of
from .services import ORDERABLE, AlreadySubmitted, order_save, order_submit


def _already_ordered(request, company: Company):
    """Another form (another tab) submitted the order first: say who and when."""
    order = (
        Order.objects.filter(company=company, status=Order.Status.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .first()
    )
    if order:
        when = f"{timezone.localtime(order.submitted_at):%Y-%m-%d %H:%M}"
        who = order.submitted_by or "a user no longer with your MSP"
        messages.info(
            request,
            f"The order for {company} was submitted by {who} on {when}; what this form held "
            "was not used.",
        )
    else:
        messages.info(request, f"{company} is a customer already.")
    return redirect("companies:detail", company.pk)


def _submitted_before(request, company: Company):
    """The same form again (a second click, a retry): the order it made, nothing doubled."""
    messages.info(request, "This order had already been submitted; nothing was doubled.")
    return redirect("companies:detail", company.pk)


class OrderMixin(PartnerRequiredMixin):
    def get_company(self) -> Company:
        return company_for(self.request.user, self.kwargs["pk"])


def _rejected(order: Order | None):
    """The version the vendor rejected, if this draft was submitted before: the form says why."""
    if order and order.agreement_id and order.agreement.status == Agreement.Status.REJECTED:
        return order.agreement
    return None


def _answers_from(company: Company, draft: Order | None) -> Order | None:
    """What the form starts from: the draft saved, else for a former customer its last order
    submitted (its infrastructure answers and terms are likely the same again)."""
    if draft is not None or company.status != Company.Status.FORMER:
        return draft
    return order_of(company)


class OrderView(OrderMixin, View):
    """Review Order: the online order form of a prospect, or of a former customer (New order)."""

    template_name = "orders/order_form.html"

    def render(self, form, company, order, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "company": company,
                "order": order,
                "quote": form.quote(),
                "rejected": _rejected(order),
                "reopening": company.status == Company.Status.FORMER,
            },
            status=status,
        )

    def get(self, request, pk):
        company = self.get_company()
        if company.status not in ORDERABLE:
            return _already_ordered(request, company)
        order = draft_of(company)
        form = OrderForm(company=company, order=_answers_from(company, order))
        return self.render(form, company, order)

    def post(self, request, pk):
        company = self.get_company()
        if company.status not in ORDERABLE:
            order = order_of(company)
            if order and str(order.idempotency_key) == request.POST.get("idempotency_key"):
                return _submitted_before(request, company)
            return _already_ordered(request, company)
        order = draft_of(company)
        submitting = "submit" in request.POST
        form = OrderForm(
            request.POST,
            company=company,
            order=_answers_from(company, order),
            submitting=submitting,
        )
        if not form.is_valid():
            return self.render(form, company, order, status=400)
        data = form.order_input()
        try:
            if not submitting:
                order_save(company=company, actor=request.user, data=data)
                if company.status == Company.Status.FORMER:
                    messages.success(
                        request,
                        f"Saved the new order of {company.name}, not submitted. New order on "
                        "the customer's page opens it again.",
                    )
                    return redirect("companies:detail", company.pk)
                messages.success(
                    request,
                    f"Saved {company.name} and its order, not submitted. "
                    "Review Order opens it again.",
                )
                return redirect("prospects:list")
            order, made = order_submit(
                company=company,
                actor=request.user,
                data=data,
                key=form.cleaned_data["idempotency_key"],
                ip=client_ip(request),
            )
        except AlreadySubmitted as exc:
            return _already_ordered(request, exc.company)
        except PricesMoved as exc:
            form.add_error(None, exc.message)
            return self.render(form, company, order, status=400)
        except RfiNotSendable as exc:
            # The lead lost the lead role or left between the form and the submit.
            form.add_error("implementation_lead", exc.message)
            return self.render(form, company, order, status=400)
        if made:
            again = " again" if company.status == Company.Status.FORMER else ""
            messages.success(
                request,
                f"Order submitted: {company.name} is now a customer in progress{again}. The "
                "addendum "
                f"is on its way to {request.user.email}, and the Request for Information to "
                f"{data.implementation_lead.email}.",
            )
            return redirect("companies:detail", company.pk)
        return _submitted_before(request, company)


class QuoteView(OrderMixin, View):
    """The Managed Service Providers Agreement box, again, as the form changes (htmx)."""

    def post(self, request, pk):
        company = self.get_company()
        form = OrderForm(request.POST, company=company, order=None)
        form.is_valid()
        return render(
            request, "orders/_quote.html", {"form": form, "company": company, "quote": form.quote()}
        )


class EditionsView(PartnerRequiredMixin, View):
    """The Server OS Edition options of the Server OS chosen (htmx)."""

    def get(self, request):
        labels = Options().labels(Question.SERVER_OS_EDITION, request.GET.get("server_os", ""))
        return render(request, "orders/_editions.html", {"labels": labels})
