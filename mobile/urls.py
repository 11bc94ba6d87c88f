from django.urls import path

from . import views

app_name = "mobile"

urlpatterns = [
    path("", views.app_shell, name="app"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("api/me", views.me, name="me"),
    path("api/my-grids", views.my_grids, name="my_grids"),
    path("api/locate", views.locate, name="locate"),
]
