"""Versioned rules: grades, weights, count bands, zero denominators, publishing a new version."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role, User
from evaluation import rules
from evaluation.models import RuleSet
from urbangrid.errors import DomainError

GRADES = rules.DEFAULT_RULES["grades"]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (Decimal("100"), "A"),
        (Decimal("90"), "A"),
        (Decimal("89.99"), "B"),
        (Decimal("75"), "B"),
        (Decimal("74.99"), "C"),
        (Decimal("60"), "C"),
        (Decimal("59.99"), "D"),
        (Decimal("40"), "D"),
        (Decimal("39.99"), "E"),
        (Decimal("0"), "E"),
        (None, "—"),
    ],
)
def test_grades_follow_the_limits_a_90_b_75_c_60_d_40(score, expected):
    assert rules.grade(score, GRADES) == expected


def test_the_supervisor_score_is_the_weighted_sum_of_the_rates():
    weights = rules.DEFAULT_RULES["supervisor"]["weights"]
    rates = {
        "valid_report_rate": Decimal("0.9"),
        "miss_rate_complement": Decimal("0.8"),
        "verify_on_time_rate": Decimal("1"),
        "check_on_time_rate": Decimal("0.5"),
    }
    # 0.9 × 40 + 0.8 × 20 + 1 × 20 + 0.5 × 20 = 36 + 16 + 20 + 10 = 82
    assert rules.weighted_score(weights, rates) == Decimal("82.00")


def test_a_component_without_a_denominator_is_left_out_and_the_rest_rescaled():
    weights = rules.DEFAULT_RULES["supervisor"]["weights"]
    rates = {
        "valid_report_rate": Decimal("0.9"),
        "miss_rate_complement": Decimal("0.8"),
        "verify_on_time_rate": None,
        "check_on_time_rate": Decimal("0.5"),
    }
    # (36 + 16 + 10) = 62 over weights 80 → 62 × 100 / 80 = 77.5
    assert rules.weighted_score(weights, rates) == Decimal("77.50")
    assert rules.weighted_score(weights, dict.fromkeys(rates)) is None


def test_count_bands_are_per_30_days_and_scale_with_the_period():
    bands = [[0, 0], [100, 60], [300, 80], [600, 100]]
    assert rules.band_score(99, bands, 30) == Decimal("0")
    assert rules.band_score(300, bands, 30) == Decimal("80")
    # a week: thresholds × 7/30 → 100 → 23.3, 300 → 70 → 75 cases reach the 80 band
    assert rules.band_score(75, bands, 7) == Decimal("80")


@pytest.mark.django_db
def test_the_rules_in_force_are_the_latest_that_started_on_or_before_the_day():
    RuleSet.objects.create(
        name="2024 修订", effective_from=datetime.date(2024, 3, 1), rules=rules.DEFAULT_RULES
    )
    assert rules.rules_for(datetime.date(2024, 2, 29)).name == "默认考核规则（DOMAIN.md）"
    assert rules.rules_for(datetime.date(2024, 3, 1)).name == "2024 修订"


@pytest.mark.django_db
def test_a_new_version_is_validated_and_cannot_start_in_the_past():
    leader = User.objects.create_user("lena", role=Role.LEADER)
    today = timezone.localdate()
    broken = {**rules.DEFAULT_RULES, "grades": [["A", 60], ["B", 90], ["E", 0]]}
    with pytest.raises(DomainError):
        rules.publish(leader, "坏规则", today, broken)
    with pytest.raises(DomainError):
        rules.publish(leader, "追溯", datetime.date(2000, 6, 1), rules.DEFAULT_RULES)
    published = rules.publish(leader, "新规则", today + datetime.timedelta(days=1), rules.DEFAULT_RULES)
    assert published.created_by == leader
