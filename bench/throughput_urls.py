"""The portal's URLs plus a bare view, for bench/page_throughput.py: the same process, settings and middleware serve both."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def ok_view(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/ok/", ok_view, name="bench_ok"), *portal_urlpatterns]
