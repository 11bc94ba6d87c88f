import pytest

from accounts.models import Department, Role
from accounts.testing import make_user
from catalog.importing import default_catalogue_path, import_catalogue_file


@pytest.fixture
def catalogue(db):
    """The real catalogue: data/catalog.csv, both schemes (540 rows)."""
    import_catalogue_file(default_catalogue_path())


@pytest.fixture
def city_management(db):
    return Department.objects.create(code="cgj", name="呈贡区城市管理局")


@pytest.fixture
def water_company(db):
    return Department.objects.create(code="zls", name="呈贡区自来水有限公司")


@pytest.fixture
def carol(db):
    """An intake operator of the command centre."""
    return make_user("carol", Role.INTAKE)


@pytest.fixture
def adam(db):
    return make_user("adam", Role.ADMIN, is_staff=True, is_superuser=True)
