"""Export of the component inventory as CSV, in the columns assets.importing reads back."""

import csv
import io

from .importing import OPTIONAL, REQUIRED
from .models import Component

COLUMNS = [REQUIRED[0], *OPTIONAL, *REQUIRED[1:]]  # identifier first, lon/lat last


def export_components_csv(queryset=None) -> str:
    queryset = Component.objects.all() if queryset is None else queryset
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = queryset.order_by("identifier").values_list(
        "identifier",
        "name",
        "category__minor_code",
        "state",
        "competent_department",
        "owner",
        "maintainer",
        "first_recorded",
        "changed",
        "data_source",
        "note",
        "lon",
        "lat",
    )
    for row in rows.iterator(chunk_size=5000):
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
