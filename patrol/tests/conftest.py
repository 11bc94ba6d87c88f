import pytest

from accounts.models import Role, User


@pytest.fixture
def alice(db):
    """alice, a supervisor."""
    return User.objects.create_user("alice", password="pw-alice-1", role=Role.SUPERVISOR, full_name="爱丽丝")


@pytest.fixture
def bob(db):
    """bob, another supervisor."""
    return User.objects.create_user("bob", password="pw-bob-1", role=Role.SUPERVISOR, full_name="鲍勃")


@pytest.fixture
def carol(db):
    """carol, a dispatcher in the command centre."""
    return User.objects.create_user("carol", password="pw-carol-1", role=Role.DISPATCHER)


@pytest.fixture(autouse=True)
def fresh_grid_index():
    from geo import spatial

    spatial.reset_index()
    yield
    spatial.reset_index()
