from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import views

app_name = "mobile"

urlpatterns = [
    path("", views.app_shell, name="app"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["mobile"]), name="jsi18n"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("api/me", views.me, name="me"),
    path("api/my-grids", views.my_grids, name="my_grids"),
    path("api/locate", views.locate, name="locate"),
    path("api/my-categories", views.my_categories, name="my_categories"),
    path("api/my-reports", views.my_reports, name="my_reports"),
]
