"""What every API view shares: lists of companies paged like the screens, other lists in
pages of their own (``paged``)."""

from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect
from django.urls import resolve
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from portal.companies.list_views import company_page
from portal.core.text import query_refusals

from ..errors import FieldErrors
from ..parsers import CheckedRequest


class PortalView(APIView):
    """An MSP endpoint (``IsPartnerMember`` by default, from the settings)."""

    reports_query_text = True  # after authentication, below: not the middleware's 400

    def initialize_request(self, request, *args, **kwargs):
        return CheckedRequest(
            request,
            parsers=self.get_parsers(),
            authenticators=self.get_authenticators(),
            negotiator=self.get_content_negotiator(),
            parser_context=self.get_parser_context(request),
        )

    def perform_content_negotiation(self, request, force=False):
        # A ?format= with a control character is answered in JSON (400 below), not a 404.
        force = force or api_settings.URL_FORMAT_OVERRIDE in query_refusals(request.query_params)
        return super().perform_content_negotiation(request, force=force)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if refused := query_refusals(request.query_params):
            raise FieldErrors({name: [text] for name, text in refused.items()})


@extend_schema(exclude=True)
class NoSuchEndpointView(APIView):
    """Any URL under /api/ that no endpoint has, whoever asks."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("No such endpoint.")

    def get(self, request, *args, **kwargs):
        # Every endpoint ends with a slash; 308 keeps the method and body of a POST.
        # Resolved without, and redirected with, the prefix the portal may be served under.
        if not request.path_info.endswith("/"):
            found = resolve(request.path_info + "/").func
            if getattr(found, "view_class", None) is not type(self):
                query = request.META.get("QUERY_STRING")
                target = request.path + "/" + (f"?{query}" if query else "")
                return HttpResponsePermanentRedirect(target, status=308)
        raise NotFound("No such endpoint.")

    post = put = patch = delete = head = options = get


def company_list_answer(request, *, status: str, columns, rows=None) -> dict:
    """A page of companies with the list screen's q / letter / sort / page parameters."""
    state, page = company_page(
        user=request.user, status=status, query=request.query_params, columns=columns, rows=rows
    )

    def link(number):
        return request.build_absolute_uri(request.path + state.url(page=number))

    return {
        "count": page.count,
        "page": page.number,
        "num_pages": page.num_pages,
        "capped": page.capped,
        "next": link(page.next_page_number) if page.has_next else None,
        "previous": link(page.previous_page_number) if page.has_previous else None,
        "results": page.object_list,
    }


class Paged(serializers.Serializer):
    """A page of a list that ``paged`` cut; a subclass names its ``results``."""

    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


def page_parameter(per_page: int) -> OpenApiParameter:
    return OpenApiParameter("page", int, description=f"Pages of {per_page}, from 1.")


def paged(request, rows, per_page: int) -> dict:
    """The page ``?page=`` asks for (the last for one past it, the first for nonsense), with
    links to the pages beside it: the data of a ``Paged``."""
    page = Paginator(rows, per_page).get_page(request.query_params.get("page"))

    def link(number):
        return request.build_absolute_uri(f"{request.path}?page={number}")

    return {
        "count": page.paginator.count,
        "page": page.number,
        "num_pages": page.paginator.num_pages,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": page.object_list,
    }
