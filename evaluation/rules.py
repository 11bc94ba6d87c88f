"""Versioned evaluation rules: weights per object type, count bands and grade limits.

`rules_for(day)` returns the rule set in force on that day. A period is scored with the rules in
force on its first day, so a month keeps its score when the rules change later.

Scoring: each object type has weighted components; a component is a rate in [0, 1] (or a banded
count turned into a rate). score = Σ weight × rate. A component whose denominator is zero has no
rate; it is left out and the other weights are scaled up to the same total (someone who was sent
no verification task is neither rewarded nor punished for it). With no component at all the
score is None and the grade "—".
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from urbangrid.errors import DomainError

# The defaults, from DOMAIN.md (CJ/T 292 / GB/T 30428.4 style); installed by migration 0002.
DEFAULT_RULES = {
    "grades": [["A", 90], ["B", 75], ["C", 60], ["D", 40], ["E", 0]],
    "supervisor": {
        "weights": {
            "valid_report_rate": 40,
            "miss_rate_complement": 20,
            "verify_on_time_rate": 20,
            "check_on_time_rate": 20,
        }
    },
    "intake": {
        "weights": {
            "accepted_count_score": 25,
            "verify_dispatch_on_time_rate": 40,
            "check_dispatch_on_time_rate": 35,
        },
        # cases accepted per 30 days → score (0..100) of the count component
        "count_bands": [[0, 0], [100, 60], [300, 80], [600, 100]],
    },
    "shift_leader": {
        "weights": {"register_on_time_rate": 25, "register_accuracy_rate": 40, "close_on_time_rate": 35}
    },
    "dispatcher": {
        "weights": {"dispatch_count_score": 20, "dispatch_on_time_rate": 40, "dispatch_accuracy_rate": 40},
        "count_bands": [[0, 0], [100, 60], [300, 80], [600, 100]],
    },
    "department": {
        "weights": {
            "handled_rate": 30,
            "handled_on_time_rate": 20,
            "rework_rate_complement": 20,
            "overdue_pending_rate_complement": 20,
            "extension_rate_complement": 10,
        }
    },
    "region": {"weights": {"close_rate": 50, "close_on_time_rate": 50}},
    # A supervisor-day counts as present with at least this much time on duty; gaps between two
    # track points longer than max_gap_seconds count as no time (the phone was off).
    "attendance": {"min_on_duty_minutes": 240, "max_gap_seconds": 120},
}

OBJECT_TYPES = ("supervisor", "intake", "shift_leader", "dispatcher", "department", "region")


def validate(rules: dict) -> dict:
    """Refuse a rule set that cannot score: grades descending to 0, weights ≥ 0, bands ascending."""
    try:
        limits = [Decimal(str(limit)) for _grade, limit in rules["grades"]]
        if limits != sorted(limits, reverse=True) or limits[-1] != 0:
            raise DomainError(_("等级下限必须从高到低排列，最后一级为 0"))
        for object_type in OBJECT_TYPES:
            section = rules[object_type]
            weights = section["weights"]
            if (
                any(Decimal(str(w)) < 0 for w in weights.values())
                or sum(Decimal(str(w)) for w in weights.values()) <= 0
            ):
                raise DomainError(_("权重必须非负且总和大于 0：%(type)s") % {"type": object_type})
            bands = section.get("count_bands", [[0, 0]])
            if [b[0] for b in bands] != sorted(b[0] for b in bands):
                raise DomainError(_("数量档次必须从小到大排列：%(type)s") % {"type": object_type})
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise DomainError(_("考核规则格式错误：%(error)s") % {"error": exc}) from None
    return rules


def rules_for(day: datetime.date):
    """The RuleSet in force on `day` (the latest effective_from ≤ day)."""
    from .models import RuleSet

    found = RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if found is None:
        found = RuleSet.objects.order_by("effective_from").first()
    if found is None:
        raise DomainError(_("尚未设置考核规则"))
    return found


def band_score(count: int, bands, period_days: int) -> Decimal:
    """The banded score of a count; band thresholds are per 30 days, scaled to the period."""
    scale = Decimal(period_days) / Decimal(30)
    score = Decimal(0)
    for threshold, value in bands:
        if Decimal(count) >= Decimal(str(threshold)) * scale:
            score = Decimal(str(value))
    return score


def weighted_score(weights: dict, rates: dict) -> Decimal | None:
    """Σ weight × rate over the components that have a rate, rescaled to the full weight."""
    total = sum(Decimal(str(w)) for w in weights.values())
    used = {k: Decimal(str(w)) for k, w in weights.items() if rates.get(k) is not None}
    used_total = sum(used.values())
    if not used_total:
        return None
    raw = sum(w * Decimal(str(rates[k])) for k, w in used.items())
    return (raw * total / used_total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade(score, grades) -> str:
    if score is None:
        return "—"
    for letter, limit in grades:
        if Decimal(str(score)) >= Decimal(str(limit)):
            return letter
    return grades[-1][0]


def publish(actor, name: str, effective_from: datetime.date, body: dict, *, note: str = ""):
    """Add a rule version. Past periods keep their rules: a version may not start in the past."""
    from django.utils import timezone

    from .models import RuleSet

    validate(body)
    if effective_from < timezone.localdate().replace(day=1):
        raise DomainError(_("新规则不能追溯到本月之前生效"))
    if RuleSet.objects.filter(effective_from=effective_from).exists():
        raise DomainError(_("该日期已有生效的考核规则"))
    return RuleSet.objects.create(
        name=name, effective_from=effective_from, rules=body, note=note, created_by=actor
    )
