import pytest

from geo import spatial


@pytest.fixture(autouse=True)
def fresh_grid_index():
    spatial.reset_index()
    yield
    spatial.reset_index()


def _category(scheme, kind, minor_code, name):
    from catalog.models import Category

    return Category.objects.create(
        scheme=scheme,
        kind=kind,
        major_code=minor_code[:2],
        major_name="市政公用设施",
        minor_code=minor_code,
        minor_name=name,
    )


@pytest.fixture
def sewer_cover(db):
    return _category("GB/T 47678.5-2026", "component", "01002", "污水井盖")


@pytest.fixture
def street_lamp(db):
    return _category("GB/T 47678.5-2026", "component", "01037", "路灯")


@pytest.fixture
def legacy_sewer_cover(db):
    return _category("CJ/T 214-2007", "component", "0102", "污水井盖")


@pytest.fixture
def sewer_cover_event(db):
    return _category("GB/T 47678.5-2026", "event", "01002", "污水井盖异常")
