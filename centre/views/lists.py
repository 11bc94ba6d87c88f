"""The lists of the centre: work queues by role, the overdue / due-soon / key-case boards, the
search over all cases, and the xlsx export of any of them with the same filters."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CENTRE_ROLES
from cases.models import Task

from .. import actions, queries
from ..access import roles_required
from ..export import write_cases_xlsx

PAGE_SIZE = 50

BOARDS = {
    "overdue": (_("超期案件"), lambda now: queries.overdue_rows(now)),
    "due-soon": (_("即将超期"), lambda now: queries.due_soon_rows(now)),
    "key": (_("紧盯重点"), lambda now: queries.key_case_rows()),
    "all": (_("案件查询"), lambda now: queries.case_list_base().order_by("-reported_at", "-id")),
}


def _page(request, rows):
    """One page of rows without counting the whole list: fetch one more to know there is a next."""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    # Two steps: the page's ids by a lean query (the database sorts narrow rows, no joins), then
    # those rows with everything the table shows.
    ids = list(rows.values_list("id", flat=True)[start : start + PAGE_SIZE + 1])
    has_next = len(ids) > PAGE_SIZE
    ids = ids[:PAGE_SIZE]
    by_id = queries.case_list_base().in_bulk(ids)
    items = [by_id[pk] for pk in ids]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "items": items,
        "page": page,
        "has_next": has_next,
        "has_previous": page > 1,
        "query": query.urlencode(),
        "first_index": start,
    }


def _rows_for(list_kind: str, slug: str, user, now):
    if list_kind == "queue":
        queue = queries.QUEUES.get(slug)
        if queue is None:
            raise Http404
        if not (user.is_superuser or user.role in queue.roles):
            raise PermissionDenied(_("此工作队列仅限%(roles)s。") % {"roles": "、".join(queue.roles)})
        return str(queue.title), queries.queue_rows(queue)
    if slug not in BOARDS:
        raise Http404
    title, rows = BOARDS[slug]
    return str(title), rows(now)


def _list(request, list_kind: str, slug: str):
    now = timezone.now()
    title, rows = _rows_for(list_kind, slug, request.user, now)
    form = queries.CaseFilter(request.GET or None)
    if form.is_bound:
        rows = form.apply(rows, now)
    context = {
        "title": title,
        "list_kind": list_kind,
        "slug": slug,
        "form": form,
        "now": now,
        **_page(request, rows),
    }
    if list_kind == "queue" and slug == "intake":
        # Possible duplicates (same sub-type, nearby, recent, open), offered for merge on the case page.
        counts = queries.duplicate_counts(context["items"])
        for case in context["items"]:
            case.duplicates = counts[case.pk]
    if list_kind == "queue" and slug == "closing":
        checks = {}
        for task in Task.objects.filter(
            case_id__in=[c.pk for c in context["items"]], kind=Task.Kind.CHECK, status=Task.Status.DONE
        ).order_by("answered_at", "id"):
            checks[task.case_id] = task  # the latest answer wins
        for case in context["items"]:
            case.last_check = checks.get(case.pk)
    if list_kind == "queue" and slug == "dispatch":
        context["suggestions"] = actions.dispatch_suggestions(context["items"])
        context["departments"] = list(actions.dispatch_departments())
    queries.label_cases(context["items"], now)
    template = "centre/_case_rows.html" if request.headers.get("HX-Request") else "centre/case_list.html"
    return render(request, template, context)


@roles_required(*CENTRE_ROLES)
def queue(request, slug):
    return _list(request, "queue", slug)


@roles_required(*CENTRE_ROLES)
def board(request, slug):
    return _list(request, "board", slug)


@roles_required(*CENTRE_ROLES)
def export(request, list_kind, slug):
    now = timezone.now()
    title, rows = _rows_for(list_kind, slug, request.user, now)
    form = queries.CaseFilter(request.GET or None)
    if form.is_bound:
        rows = form.apply(rows, now)
    out, _written, _truncated = write_cases_xlsx(rows)
    filename = f"cases-{slug}-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"
    return FileResponse(
        out,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
