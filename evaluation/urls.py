from django.urls import path, re_path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^report\.(?P<fmt>xlsx|pdf)$", views.export, name="export"),
    path("cases/", views.cases_behind, name="cases"),
    path("rules/", views.rule_sets, name="rules"),
    path("rules/add/", views.add_rule_set, name="add_rules"),
    path("satisfaction/", views.satisfaction_page, name="satisfaction"),
    path("satisfaction/add/", views.add_satisfaction, name="add_satisfaction"),
    path("attendance/", views.attendance_page, name="attendance"),
]
