from django.urls import path, re_path

from . import views

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^v2/discovery" + FORMAT, views.discovery, name="open311-discovery"),
    re_path(r"^v2/services" + FORMAT, views.services, name="open311-services"),
    re_path(
        r"^v2/services/(?P<service_code>[0-9A-Za-z_-]+)" + FORMAT,
        views.service_definition,
        name="open311-service",
    ),
    re_path(r"^v2/requests" + FORMAT, views.requests_, name="open311-requests"),
    re_path(
        r"^v2/requests/(?P<request_id>[0-9A-Za-z_-]+)" + FORMAT, views.request_detail, name="open311-request"
    ),
    path("v2/", views.discovery, {"fmt": "json"}),
]
