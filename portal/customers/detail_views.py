"""Edit Details, the contacts and the notes of a company's page.

Adding and removing answer with the company's page (htmx swaps only the section it needs, a
browser without JavaScript follows the redirect); editing a contact or a note has a small page
of its own. Contacts and notes are on a prospect's page too (a partner manager keeps notes
from the first call on); Edit Details only on a customer's (a prospect has Edit prospect, with
every field); the API has contacts and notes under customers/ only.

A note another user wrote is changed only by an Admin: to anyone else its edit and delete pages
do not exist (404), as the project's other Admin-only pages. There is no read-only role in the
portal (DESIGN.md §1: Sales and Admin both work on customers), so both may edit details and
contacts."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from portal.companies import contacts, notes
from portal.companies.details import DETAILS, ChangedSince, details_update
from portal.companies.selectors import contact_for, customer_for, note_for
from portal.core.tenancy import PartnerRequiredMixin

from .sections import ContactForm, DetailsForm, NoteForm
from .views import CompanyDetailView


def _page(company, anchor: str) -> str:
    return reverse("companies:detail", args=[company.pk]) + f"#{anchor}"


class DetailsEditView(PartnerRequiredMixin, View):
    """Edit Details of a customer (a prospect has its whole form: Edit prospect)."""

    template_name = "companies/details_edit.html"

    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        return self.show(company, DetailsForm(company=company))

    def post(self, request, pk: int):
        company = customer_for(request.user, pk)
        form = DetailsForm(request.POST, company=company)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in DETAILS}
            fields["sector"] = fields["sector"] or ""
            try:
                details_update(
                    company=company, actor=request.user, seen=form.cleaned_data["seen"], **fields
                )
            except ChangedSince as exc:
                company.refresh_from_db()
                # The user's values stay in the form; saving again replaces what is there now.
                data = request.POST.copy()
                data["seen"] = company.updated_at.isoformat()
                form = DetailsForm(data, company=company)
                form.is_valid()
                form.add_error(None, str(exc))
                return self.show(company, form, conflict=True)
            messages.success(request, "Details saved.")
            return redirect(_page(company, "details"))
        return self.show(company, form)

    def show(self, company, form, *, conflict: bool = False):
        context = {"company": company, "form": form, "conflict": conflict}
        return render(self.request, self.template_name, context)


class ContactAddView(CompanyDetailView):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        self.object = company = self.get_object()
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                contacts.contact_add(company=company, actor=request.user, **form.cleaned_data)
            except contacts.TooManyContacts as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Contact added: {form.cleaned_data['name']}.")
                return redirect(_page(company, "contacts"))
        return self.render_to_response(self.get_context_data(contact_form=form))


class ContactEditView(PartnerRequiredMixin, View):
    template_name = "companies/contact_form.html"

    def get(self, request, pk: int, contact_pk: int):
        contact = contact_for(request.user, contact_pk, company_pk=pk)
        initial = {name: getattr(contact, name) for name in contacts.FIELDS}
        return self.show(contact, ContactForm(initial=initial, prefix="edit"))

    def post(self, request, pk: int, contact_pk: int):
        contact = contact_for(request.user, contact_pk, company_pk=pk)
        form = ContactForm(request.POST, prefix="edit")
        if form.is_valid():
            contacts.contact_change(contact=contact, actor=request.user, **form.cleaned_data)
            messages.success(request, f"Contact saved: {contact.name}.")
            return redirect(_page(contact.company, "contacts"))
        return self.show(contact, form)

    def show(self, contact, form):
        context = {"company": contact.company, "contact": contact, "form": form}
        return render(self.request, self.template_name, context)


class ContactRemoveView(PartnerRequiredMixin, View):
    def post(self, request, pk: int, contact_pk: int):
        contact = contact_for(request.user, contact_pk, company_pk=pk)
        company = contact.company
        contacts.contact_remove(contact=contact, actor=request.user)
        messages.success(request, f"Contact removed: {contact.name}.")
        return redirect(_page(company, "contacts"))


class NoteAddView(CompanyDetailView):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        self.object = company = self.get_object()
        form = NoteForm(request.POST)
        if form.is_valid():
            notes.note_add(company=company, actor=request.user, text=form.cleaned_data["text"])
            messages.success(request, "Note added.")
            return redirect(_page(company, "notes"))
        return self.render_to_response(self.get_context_data(note_form=form))


def _changeable_note(request, pk: int, note_pk: int):
    note = note_for(request.user, note_pk, company_pk=pk)
    if not notes.may_change(request.user, note):
        raise Http404("Only its author or an Admin can change a note.")
    return note


class NoteEditView(PartnerRequiredMixin, View):
    template_name = "companies/note_form.html"

    def get(self, request, pk: int, note_pk: int):
        note = _changeable_note(request, pk, note_pk)
        return self.show(note, NoteForm(initial={"text": note.text}, prefix="edit"))

    def post(self, request, pk: int, note_pk: int):
        note = _changeable_note(request, pk, note_pk)
        form = NoteForm(request.POST, prefix="edit")
        if form.is_valid():
            notes.note_change(note=note, actor=request.user, text=form.cleaned_data["text"])
            messages.success(request, "Note saved.")
            return redirect(_page(note.company, "notes"))
        return self.show(note, form)

    def show(self, note, form):
        context = {"company": note.company, "note": note, "form": form}
        return render(self.request, self.template_name, context)


class NoteRemoveView(PartnerRequiredMixin, View):
    def post(self, request, pk: int, note_pk: int):
        note = _changeable_note(request, pk, note_pk)
        company = note.company
        notes.note_remove(note=note, actor=request.user)
        messages.success(request, "Note deleted.")
        return redirect(_page(company, "notes"))
