"""The portal's URLs and the load benchmark's reference view (``bench/load.py``)."""

from django.http import HttpResponse
from django.urls import path
from django.utils.html import escape

from config.urls import urlpatterns as portal_urls
from portal.accounts.models import Partner


def reference(request):
    """The floor of this server: the whole middleware stack and one query, a tiny page.

    Asked without a session cookie, so that the query is the view's own.
    """
    name = Partner.objects.filter(pk=request.GET.get("partner", 0)).values_list("name").first()
    return HttpResponse(f"<p>{escape(name[0]) if name else '-'}</p>")


urlpatterns = [path("bench/reference/", reference, name="bench_reference"), *portal_urls]
