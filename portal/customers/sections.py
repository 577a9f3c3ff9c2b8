"""The Contacts and Notes sections of a company's page, and the forms they post: shared by the
page itself and by the views that answer those forms (``detail_views``)."""

from django import forms
from django.utils.dateparse import parse_datetime

from portal.companies import contacts, notes
from portal.companies.details import DETAILS, details_errors, lead_choices, website_clean
from portal.companies.models import Company
from portal.companies.selectors import notes_of
from portal.core.text import Form

STALE = "This page is out of date: open Edit Details again."


class DetailsForm(Form):
    website = forms.CharField(label="Website", required=False, max_length=200)
    sector = forms.ChoiceField(
        label="Sector", required=False, choices=[("", "—"), *Company.Sector.choices]
    )
    implementation_lead = forms.ModelChoiceField(label="Implementation Lead", queryset=None)
    secondary_contact = forms.ModelChoiceField(
        label="Secondary Implementation Contact",
        queryset=None,
        required=False,
        empty_label="Nobody",
    )
    # When the editor read the company: a save by anyone since is not overwritten silently.
    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, company: Company, **kwargs):
        initial = {name: getattr(company, name) for name in DETAILS}
        initial["seen"] = company.updated_at.isoformat()
        super().__init__(*args, initial=initial, **kwargs)
        people = lead_choices(company)
        for name in ("implementation_lead", "secondary_contact"):
            self.fields[name].queryset = people
            self.fields[
                name
            ].help_text = "Users of your MSP with the MSP Implementation Lead option set."

    def clean_website(self):
        return website_clean(self.cleaned_data["website"])

    def clean_seen(self):
        seen = parse_datetime(self.cleaned_data["seen"])
        if seen is None:
            raise forms.ValidationError(STALE)
        return seen

    def clean(self):
        cleaned = super().clean()
        if "implementation_lead" in cleaned:
            errors = details_errors(
                implementation_lead=cleaned.get("implementation_lead"),
                secondary_contact=cleaned.get("secondary_contact"),
            )
            for name, messages in errors.items():
                for message in messages:
                    self.add_error(name, message)
        if "seen" in self.errors:
            self.add_error(None, STALE)
        return cleaned


class ContactForm(Form):
    name = forms.CharField(label="Name", required=False)
    role = forms.CharField(label="Role", required=False)
    email = forms.CharField(label="E-mail", required=False)
    phone = forms.CharField(label="Phone", required=False)

    def __init__(self, *args, prefix: str = "contact", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.input_type = "email"
        self.fields["phone"].widget.input_type = "tel"
        for name, limit in contacts.LIMITS.items():
            self.fields[name].widget.attrs["maxlength"] = limit

    def clean(self):
        values = contacts.cleaned(super().clean())
        for name, messages in contacts.contact_errors(**values).items():
            for message in messages:
                self.add_error(name, message)
        return values


class NoteForm(Form):
    text = forms.CharField(
        label="Note",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": notes.MAX_NOTE}),
        help_text=f"Up to {notes.MAX_NOTE:,} characters. Everyone of your MSP sees notes.",
    )

    def __init__(self, *args, prefix: str = "note", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)

    def clean_text(self):
        text = self.cleaned_data["text"]
        for messages in notes.note_errors(text).values():
            raise forms.ValidationError(messages)
        return text.strip()


class NotesPage:
    """A page of notes, newest first, read without counting them all (one query): the page
    links say Newer and Older, not how many pages there are."""

    def __init__(self, company: Company, number: str | None):
        self.number = int(number) if (number or "").isdigit() and int(number) > 0 else 1
        start = (self.number - 1) * notes.PAGE
        found = list(notes_of(company)[start : start + notes.PAGE + 1])
        self.object_list = found[: notes.PAGE]
        self.has_next = len(found) > notes.PAGE
        self.has_previous = self.number > 1
        self.has_other_pages = self.has_next or self.has_previous
        self.next_page_number = self.number + 1
        self.previous_page_number = self.number - 1


def company_sections(request, company: Company) -> dict:
    """What the Contacts and Notes sections show: the contacts, a page of notes (``?notes=``)
    and an empty form of each."""
    page = NotesPage(company, request.GET.get("notes"))
    for note in page.object_list:
        note.changeable = notes.may_change(request.user, note)
    people = list(company.contacts.all())
    return {
        "contacts": people,
        "contact_form": ContactForm(),
        # Said instead of the Add Contact form once the customer has the most it can have.
        "contacts_full": contacts.TOO_MANY if len(people) >= contacts.MAX_CONTACTS else "",
        "notes_page": page,
        "note_form": NoteForm(),
    }
