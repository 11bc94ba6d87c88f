"""Rows installed by data migrations survive a transactional test (see _restore_data_migrations)."""

import pytest

from contract.models import PerformanceTarget
from evaluation.models import RuleSet


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_migration_rows():
    assert PerformanceTarget.objects.count() == 6
    assert RuleSet.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_second_transactional_test_still_sees_them():
    # The flush at the end of the first test emptied every table; the fixture put the rows back.
    assert PerformanceTarget.objects.count() == 6
    assert RuleSet.objects.exists()


@pytest.mark.django_db
def test_an_ordinary_test_after_them_sees_them():
    assert PerformanceTarget.objects.count() == 6
    assert RuleSet.objects.exists()
