"""Who the token is, and whom a prospect or an order can name as implementation lead: what a
script needs before it creates anything (the forms' drop-downs, for any MSP user)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from portal.accounts.selectors import implementation_leads_for

from .base import PortalView


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    is_implementation_lead = serializers.BooleanField()
    partner_id = serializers.IntegerField()
    partner_name = serializers.CharField(source="partner.name")
    currency = serializers.CharField(source="partner.currency")


class LeadOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField(source="__str__")


class MeView(PortalView):
    @extend_schema(operation_id="me_read", responses=MeOut, summary="The token's user and MSP")
    def get(self, request):
        return Response(MeOut(request.user).data)


class LeadListView(PortalView):
    @extend_schema(
        operation_id="implementation_leads_list",
        responses=LeadOut(many=True),
        summary="Implementation leads",
        description="Active users of your MSP with the MSP Implementation Lead flag: the ids "
        "`implementation_lead` and `secondary_contact` take.",
    )
    def get(self, request):
        leads = implementation_leads_for(request.user.partner)
        return Response(LeadOut(leads, many=True).data)
