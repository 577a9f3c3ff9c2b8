from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.core.http import client_ip

from .callbacks import receive
from .models import ProvisioningCallback

MAX_BODY = 64 * 1024


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
