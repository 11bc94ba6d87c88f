from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The UI strings of the centre's scripts (static/centre/*.js), in the request's language.
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["centre"]), name="javascript-catalog"),
    path("accounts/", include("accounts.urls")),
]

# The faces people use and the Open311 API mount their own urls.py when they have one.
for app, prefix in [
    ("open311", "open311/"),
    ("mobile", "m/"),
    ("evaluation", "evaluation/"),
    ("contract", "contract/"),
    ("centre", ""),
]:
    try:
        import_module(f"{app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.urls":
            raise
        continue
    urlpatterns.append(path(prefix, include(f"{app}.urls")))

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
