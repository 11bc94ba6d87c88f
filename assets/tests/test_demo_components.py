import io

from assets.demo import load_components
from assets.models import Component
from catalog.demo import load_catalogue


def demo_rows():
    return list(
        Component.objects.order_by("identifier").values_list("identifier", "unit_grid__code", "lon", "lat")
    )


def test_demo_components_are_placed_in_the_grids_denser_in_area_class_a(town):
    load_catalogue(io.StringIO(), {})
    load_components(io.StringIO(), {"components": 400})
    assert Component.objects.count() == 400
    assert Component.objects.filter(unit_grid__isnull=True).count() == 0
    in_a = Component.objects.filter(unit_grid__area_class="A").count()
    assert in_a > 400 * 0.6  # grid weights 6 (A) to 2 (B) over equal numbers of grids: about 75%
    assert all(len(identifier) == 17 and identifier.startswith("530114") for identifier, *_ in demo_rows())


def test_demo_components_are_deterministic_and_loaded_once(town):
    load_catalogue(io.StringIO(), {})
    load_components(io.StringIO(), {"components": 200})
    first = demo_rows()
    out = io.StringIO()
    load_components(out, {"components": 200})
    assert "already loaded" in out.getvalue()
    Component.objects.all().delete()
    load_components(io.StringIO(), {"components": 200})
    assert demo_rows() == first
