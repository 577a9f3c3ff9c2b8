"""A customer's details outside Change Options (PATCH), its contacts and its notes: the
customer page's rules (``companies.details``, ``contacts``, ``notes``) and History Log entries.

Concurrency: a PATCH of the details may give the ``updated_at`` it read; if the customer was
saved since, the answer is 409 ``changed_since`` naming who, and nothing is written (the screen
always sends it). A note is changed or deleted by its author or an Admin; to anyone else it
answers 404, as the API's other Admin-only operations do.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.companies import contacts, notes
from portal.companies.details import (
    NOT_A_LEAD,
    ChangedSince,
    details_errors,
    details_update,
    lead_choices,
    website_clean,
)
from portal.companies.models import Company, CustomerContact, CustomerNote
from portal.companies.selectors import contact_for, customer_for, note_for, notes_of

from ..errors import ApiError, FieldErrors
from ..idempotency import idempotent
from .base import Paged, PortalView, page_parameter, paged

NOTES_PAGE = 50


class CustomerDetailsInput(serializers.Serializer):
    website = serializers.CharField(required=False, allow_blank=True, max_length=200)
    sector = serializers.ChoiceField(
        [("", "None"), *Company.Sector.choices], required=False, allow_blank=True
    )
    implementation_lead = serializers.IntegerField(
        required=False, help_text="A user id of your MSP's implementation leads."
    )
    secondary_contact = serializers.IntegerField(
        required=False, allow_null=True, help_text="Another of the leads, or null for nobody."
    )
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The customer's updated_at as you read it: if it was saved since, the answer "
        "is 409 changed_since and nothing is written.",
    )


def details_patch(request, company: Company) -> Company:
    payload = CustomerDetailsInput(data=request.data, partial=True)
    payload.is_valid(raise_exception=True)
    given = dict(payload.validated_data)
    seen = given.pop("updated_at", None)
    errors: dict[str, list[str]] = {}
    fields = {}
    if "website" in given:
        try:
            fields["website"] = website_clean(given["website"])
        except ValidationError as exc:
            errors["website"] = list(exc.messages)
    if "sector" in given:
        fields["sector"] = given["sector"] or ""
    people = lead_choices(company)
    for name in ("implementation_lead", "secondary_contact"):
        if name not in given:
            continue
        pk = given[name]
        person = None if pk is None else people.filter(pk=pk).first()
        if pk is not None and person is None:
            errors[name] = [NOT_A_LEAD]
        fields[name] = person
    if not errors:
        lead = fields.get("implementation_lead", company.implementation_lead)
        secondary = fields.get("secondary_contact", company.secondary_contact)
        errors = details_errors(implementation_lead=lead, secondary_contact=secondary)
    if errors:
        raise FieldErrors(errors)
    try:
        return details_update(company=company, actor=request.user, seen=seen, **fields)
    except ChangedSince as exc:
        raise ApiError(str(exc), status_code=409, code="changed_since") from None


class ContactIO(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=1000)
    role = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    email = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


def _contact_fields(payload: dict, contact: CustomerContact | None) -> dict:
    stored = {n: getattr(contact, n) for n in contacts.FIELDS} if contact else {}
    fields = contacts.cleaned({**stored, **payload})
    if errors := contacts.contact_errors(**fields):
        raise FieldErrors(errors)
    return fields


class ContactListView(PortalView):
    @extend_schema(
        operation_id="customers_contacts_list",
        responses=ContactIO(many=True),
        summary="Contacts of a customer",
    )
    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        return Response(ContactIO(company.contacts.all(), many=True).data)

    @extend_schema(
        operation_id="customers_contacts_create",
        request=ContactIO,
        responses={201: ContactIO},
        summary="Add Contact",
        description=f"At most {contacts.MAX_CONTACTS} per customer (409 too_many_contacts).",
    )
    @idempotent
    def post(self, request, pk: int):
        company = customer_for(request.user, pk)
        payload = ContactIO(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = _contact_fields(payload.validated_data, None)
        try:
            contact = contacts.contact_add(company=company, actor=request.user, **fields)
        except contacts.TooManyContacts as exc:
            raise ApiError(str(exc), status_code=409, code="too_many_contacts") from None
        return Response(ContactIO(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailView(PortalView):
    def get_object(self, pk: int, contact_pk: int) -> CustomerContact:
        customer_for(self.request.user, pk)  # a prospect's contact is not under customers/
        return contact_for(self.request.user, contact_pk, company_pk=pk)

    @extend_schema(operation_id="customers_contacts_read", responses=ContactIO)
    def get(self, request, pk: int, contact_pk: int):
        return Response(ContactIO(self.get_object(pk, contact_pk)).data)

    @extend_schema(
        operation_id="customers_contacts_update",
        request=ContactIO(partial=True),
        responses=ContactIO,
        summary="Change a contact",
    )
    def patch(self, request, pk: int, contact_pk: int):
        contact = self.get_object(pk, contact_pk)
        payload = ContactIO(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        fields = _contact_fields(payload.validated_data, contact)
        contact = contacts.contact_change(contact=contact, actor=request.user, **fields)
        return Response(ContactIO(contact).data)

    @extend_schema(
        operation_id="customers_contacts_delete", responses={204: None}, summary="Remove a contact"
    )
    def delete(self, request, pk: int, contact_pk: int):
        contacts.contact_remove(contact=self.get_object(pk, contact_pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NoteIO(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(
        max_length=100_000,
        trim_whitespace=False,
        help_text=f"Up to {notes.MAX_NOTE:,} characters; line breaks are kept.",
    )
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    edited_at = serializers.DateTimeField(read_only=True, allow_null=True)
    may_change = serializers.SerializerMethodField(
        help_text="Whether you may change or delete it (its author, or an Admin)."
    )

    def get_author_name(self, note) -> str | None:
        return str(note.author) if note.author_id else None

    def get_may_change(self, note) -> bool:
        return notes.may_change(self.context["request"].user, note)


class NotePage(Paged):
    results = NoteIO(many=True)


def _note_text(payload: dict) -> str:
    text = payload["text"]
    if errors := notes.note_errors(text):
        raise FieldErrors(errors)
    return text


class NoteListView(PortalView):
    multiline_fields = ("text",)

    @extend_schema(
        operation_id="customers_notes_list",
        parameters=[page_parameter(NOTES_PAGE)],
        responses=NotePage,
        summary="Notes on a customer, newest first",
    )
    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        answer = paged(request, notes_of(company), NOTES_PAGE)
        return Response(NotePage(answer, context={"request": request}).data)

    @extend_schema(
        operation_id="customers_notes_create",
        request=NoteIO,
        responses={201: NoteIO},
        summary="Add Note",
    )
    @idempotent
    def post(self, request, pk: int):
        company = customer_for(request.user, pk)
        payload = NoteIO(data=request.data)
        payload.is_valid(raise_exception=True)
        note = notes.note_add(
            company=company, actor=request.user, text=_note_text(payload.validated_data)
        )
        return Response(NoteIO(note, context={"request": request}).data, status=201)


class NoteDetailView(PortalView):
    multiline_fields = ("text",)

    def get_object(self, pk: int, note_pk: int, *, changing: bool = False) -> CustomerNote:
        customer_for(self.request.user, pk)
        note = note_for(self.request.user, note_pk, company_pk=pk)
        if changing and not notes.may_change(self.request.user, note):
            raise Http404
        return note

    @extend_schema(operation_id="customers_notes_read", responses=NoteIO)
    def get(self, request, pk: int, note_pk: int):
        return Response(NoteIO(self.get_object(pk, note_pk), context={"request": request}).data)

    @extend_schema(
        operation_id="customers_notes_update",
        request=NoteIO,
        responses=NoteIO,
        summary="Edit a note (its author or an Admin)",
    )
    def patch(self, request, pk: int, note_pk: int):
        note = self.get_object(pk, note_pk, changing=True)
        payload = NoteIO(data=request.data)
        payload.is_valid(raise_exception=True)
        note = notes.note_change(
            note=note, actor=request.user, text=_note_text(payload.validated_data)
        )
        return Response(NoteIO(note, context={"request": request}).data)

    @extend_schema(
        operation_id="customers_notes_delete",
        responses={204: None},
        summary="Delete a note (its author or an Admin)",
    )
    def delete(self, request, pk: int, note_pk: int):
        note = self.get_object(pk, note_pk, changing=True)
        notes.note_remove(note=note, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
