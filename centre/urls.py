from django.urls import path

from .views import case, department, home, intake, lists, live, livemap, screen

app_name = "centre"

urlpatterns = [
    path("", home.home, name="home"),
    path("report/new/", intake.new_report, name="new-report"),
    path("queue/<slug:slug>/", lists.queue, name="queue"),
    path("queue/intake/", lists.queue, {"slug": "intake"}, name="queue-intake"),
    path("queue/registration/", lists.queue, {"slug": "registration"}, name="queue-registration"),
    path("queue/dispatch/", lists.queue, {"slug": "dispatch"}, name="queue-dispatch"),
    path("board/<slug:slug>/", lists.board, name="board"),
    path("export/<str:list_kind>/<slug:slug>.xlsx", lists.export, name="export"),
    path("extensions/", case.extensions, name="extensions"),
    path("case/<str:number>/", case.detail, name="case"),
    path("case/<str:number>/do/<slug:action>/", case.act, name="case-act"),
    path("inbox/", department.inbox, name="inbox"),
    path("inbox/stats/", department.statistics, name="inbox-stats"),
    path("supervise/department/", case.supervise_department, name="supervise-department"),
    path("live/", live.badge, name="live"),
    path("map/", livemap.map_page, name="map"),
    path("map/grids.json", livemap.grid_layer, name="map-grids"),
    path("map/district.json", livemap.district_layer, name="map-district"),
    path("map/cases.json", livemap.cases_layer, name="map-cases"),
    path("map/supervisors.json", livemap.supervisors_on_duty, name="map-supervisors"),
    path("map/coverage.json", livemap.coverage, name="map-coverage"),
    path("map/track/<int:supervisor_id>/", livemap.track, name="map-track"),
    path("screen/", screen.screen, name="screen"),
    path("screen/data.json", screen.screen_data, name="screen-data"),
]
