"""The big-screen overview (指挥大屏): one page that refreshes its figures itself."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from accounts.models import CENTRE_ROLES
from geo.models import District

from .. import stats
from ..access import roles_required


@roles_required(*CENTRE_ROLES)
def screen(request):
    district = (
        District.objects.filter(code=settings.URBANGRID_DISTRICT_CODE).values_list("name", flat=True).first()
    )
    return render(
        request,
        "centre/screen.html",
        {"refresh_seconds": stats.TODAY_SECONDS, "district_name": district or ""},
    )


@roles_required(*CENTRE_ROLES)
def screen_data(request):
    return JsonResponse(stats.overview(), json_dumps_params={"ensure_ascii": False})
