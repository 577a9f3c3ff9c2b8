from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.core.http import client_ip
from portal.usage import reports

from .callbacks import receive
from .models import ProvisioningCallback
from .signing import sync_secret

MAX_BODY = 64 * 1024
MAX_USAGE_BODY = 2 * 1024 * 1024  # 10,000 figures of about 100 bytes


@csrf_exempt  # signed with the shared secret instead; the vendor has no session
@require_POST
def callback(request):
    """The vendor confirms (synced) or rejects a provisioning request; see ``callbacks``."""
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": "The body is too large."}, status=413)
    answer = receive(
        body=request.body,
        headers=request.headers,
        source=ProvisioningCallback.Source.VENDOR,
        remote_addr=client_ip(request),
    )
    return JsonResponse(answer.body, status=answer.http_status)


@csrf_exempt  # signed with the shared secret instead
@require_POST
def usage(request):
    """The vendor's usage report: seats (or whatever a product counts) in use per customer,
    product and day; see ``portal.usage.reports``."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_USAGE_BODY + 1
    if length > MAX_USAGE_BODY:
        return JsonResponse({"error": "The body is too large."}, status=413)
    answer = reports.receive(body=request.body, headers=request.headers, secret=sync_secret())
    return JsonResponse(answer.body, status=answer.http_status)
