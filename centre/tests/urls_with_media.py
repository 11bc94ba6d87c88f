"""The project's URLs plus /media/, for browser tests (DEBUG is off under pytest)."""

from django.conf import settings
from django.urls import path
from django.views.static import serve

from urbangrid.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]
