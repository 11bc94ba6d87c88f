from django.urls import path, re_path

from . import views

app_name = "contract"

urlpatterns = [
    path("", views.index, name="index"),
    path("targets/", views.target_dashboard, name="targets"),
    path("<int:contract_id>/", views.contract_detail, name="contract"),
    path("<int:contract_id>/assessments/", views.create_sheet, name="create_sheet"),
    path("assessments/<int:sheet_id>/", views.sheet_detail, name="sheet"),
    path("assessments/<int:sheet_id>/<str:action>/", views.sheet_action, name="sheet_action"),
    re_path(r"^assessments/(?P<sheet_id>\d+)\.(?P<fmt>xlsx|pdf)$", views.sheet_export, name="sheet_export"),
]
