"""Every indicator on a small hand-built March 2024 history, worked out by hand.

The people: alice supervises RG01 (the west community), bob RG02 (the east community); ivy takes
reports in (受理), lee is the shift leader, dan the dispatcher; roads and parks are departments.

The cases (local time, all in 2024):
  C1 alice reports in W001 3 Mar; ivy accepts; lee registers on time; dan sends it to roads on
     time; roads feeds back on time; ivy sends the check on time; alice checks on time; lee
     closes on time. A safety hazard (missing cover).
  C2 alice reports 5 Mar; ivy rejects it (not a valid report).
  C3 alice reports a problem she handled herself 6 Mar (valid without acceptance).
  C4 the public reports in W003 10 Mar 10:00 while alice is on duty (08:00–12:00): a miss for
     alice. ivy accepts, sends the verification late; alice verifies on time; lee registers
     late; dan sends it to parks, parks returns it (not theirs); dan reassigns to roads; roads is
     granted an extension, feeds back late; alice's check is late and lee orders rework; roads
     feeds back late again; alice checks on time; lee closes late.
  C5 the public reports in E001 12 Mar while bob is off duty (not a miss); accepted, registered
     on time, voided the next day.
  C6 alice reports 20 Mar in W002; accepted, registered on time, parked (挂账) the next day.
  C7 alice reports 31 Mar 23:30 (crossing the month end): accepted 1 Apr 00:10, registered and
     dispatched to roads on 1 Apr.
  C8 bob reports in E002 25 Mar; accepted, registered on time, sent to roads due 26 Mar 10:00;
     roads' extension is refused; no feedback until 2 Apr (late). A safety hazard.
  C9 alice reports 10 Apr, rejected (an April figure for the rule change).
"""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Department, Role, User
from catalog.models import Category
from evaluation import facts as f
from evaluation import indicators, measures
from evaluation.indicators import Period
from evaluation.models import RuleSet
from evaluation.rules import DEFAULT_RULES
from patrol.models import Shift

from .history import at, new_case, step

pytestmark = pytest.mark.django_db
MARCH = Period(datetime.date(2024, 3, 1), datetime.date(2024, 4, 1))
APRIL = Period(datetime.date(2024, 4, 1), datetime.date(2024, 5, 1))


@pytest.fixture
def story(town):
    g = town.grids
    w1, w2, w3 = g["530114001001001"], g["530114001001002"], g["530114001001003"]
    e1, e2 = g["530114001002001"], g["530114001002002"]
    people = {
        "alice": User.objects.create_user("alice", role=Role.SUPERVISOR, full_name="Alice"),
        "bob": User.objects.create_user("bob", role=Role.SUPERVISOR, full_name="Bob"),
        "ivy": User.objects.create_user("ivy", role=Role.INTAKE, full_name="Ivy"),
        "lee": User.objects.create_user("lee", role=Role.SHIFT_LEADER, full_name="Lee"),
        "dan": User.objects.create_user("dan", role=Role.DISPATCHER, full_name="Dan"),
    }
    alice, bob, ivy, lee, dan = people.values()
    town.rg_west.supervisors.add(alice)
    town.rg_east.supervisors.add(bob)
    roads = Department.objects.create(code="roads", name="市政道路")
    parks = Department.objects.create(code="parks", name="园林绿化")
    cover = Category.objects.create(
        scheme="GB/T 47678.5-2026",
        kind="component",
        major_code="01",
        major_name="公用设施",
        minor_code="01001",
        minor_name="井盖缺失",
        safety_hazard=True,
    )
    Shift.objects.create(supervisor=alice, started_at=at(3, 10, 8), ended_at=at(3, 10, 12))
    Shift.objects.create(supervisor=bob, started_at=at(3, 12, 8), ended_at=at(3, 12, 12))

    c1 = new_case(w1, at(3, 3, 9), reporter=alice, category=cover, number="C1")
    step(c1, f.REPORT, alice, at(3, 3, 9))
    step(c1, f.ACCEPT, ivy, at(3, 3, 9, 10), on_time=True)
    step(c1, f.REGISTER, lee, at(3, 3, 9, 20), on_time=True)
    step(c1, f.DISPATCH, dan, at(3, 3, 9, 30), on_time=True, department=roads, due_at=at(3, 4, 9, 30))
    step(c1, f.GIVE_FEEDBACK, None, at(3, 4, 8), on_time=True, department=roads)
    step(c1, f.SEND_CHECK, ivy, at(3, 4, 8, 10), on_time=True)
    step(c1, f.ANSWER_CHECK, alice, at(3, 4, 9), on_time=True)
    step(c1, f.CLOSE, lee, at(3, 4, 9, 30), on_time=True)

    c2 = new_case(w1, at(3, 5, 10), reporter=alice, number="C2")
    step(c2, f.REPORT, alice, at(3, 5, 10))
    step(c2, f.REJECT, ivy, at(3, 5, 10, 5))

    c3 = new_case(w2, at(3, 6, 10), source="self_handled", reporter=alice, number="C3")
    step(c3, f.REPORT_SELF_HANDLED, alice, at(3, 6, 10))

    c4 = new_case(w3, at(3, 10, 10), source="public", number="C4")
    step(c4, f.ACCEPT, ivy, at(3, 10, 10, 5), on_time=True)
    step(c4, f.SEND_VERIFICATION, ivy, at(3, 10, 10, 40), on_time=False)
    step(c4, f.ANSWER_VERIFICATION, alice, at(3, 10, 10, 50), on_time=True)
    step(c4, f.REGISTER, lee, at(3, 10, 11), on_time=False)
    step(c4, f.DISPATCH, dan, at(3, 10, 11, 10), on_time=True, department=parks, due_at=at(3, 11, 10, 30))
    step(c4, f.RETURN_TO_CENTRE, None, at(3, 10, 12), department=parks)
    step(c4, f.REASSIGN, dan, at(3, 10, 12, 30), on_time=True, department=roads, due_at=at(3, 11, 12, 30))
    step(c4, f.EXTENSION_GRANTED, lee, at(3, 11, 10), department=roads)
    step(c4, f.GIVE_FEEDBACK, None, at(3, 12, 9), on_time=False, department=roads)
    step(c4, f.SEND_CHECK, ivy, at(3, 12, 9, 10), on_time=True)
    step(c4, f.ANSWER_CHECK, alice, at(3, 12, 17), on_time=False)
    step(c4, f.REWORK, lee, at(3, 12, 18), department=roads)
    step(c4, f.GIVE_FEEDBACK, None, at(3, 13, 9), on_time=False, department=roads)
    step(c4, f.SEND_CHECK, ivy, at(3, 13, 9, 10), on_time=True)
    step(c4, f.ANSWER_CHECK, alice, at(3, 13, 10), on_time=True)
    step(c4, f.CLOSE, lee, at(3, 13, 11), on_time=False)

    c5 = new_case(e1, at(3, 12, 15), source="public", number="C5")
    step(c5, f.ACCEPT, ivy, at(3, 12, 15, 5), on_time=True)
    step(c5, f.REGISTER, lee, at(3, 12, 15, 20), on_time=True)
    step(c5, f.VOID, lee, at(3, 13, 9))

    c6 = new_case(w2, at(3, 20, 9), reporter=alice, number="C6")
    step(c6, f.REPORT, alice, at(3, 20, 9))
    step(c6, f.ACCEPT, ivy, at(3, 20, 9, 5), on_time=True)
    step(c6, f.REGISTER, lee, at(3, 20, 9, 15), on_time=True)
    step(c6, f.PARK, lee, at(3, 21, 9))

    c7 = new_case(w1, at(3, 31, 23, 30), reporter=alice, number="C7")
    step(c7, f.REPORT, alice, at(3, 31, 23, 30))
    step(c7, f.ACCEPT, ivy, at(4, 1, 0, 10), on_time=True)
    step(c7, f.REGISTER, lee, at(4, 1, 0, 20), on_time=True)
    step(c7, f.DISPATCH, dan, at(4, 1, 0, 30), on_time=True, department=roads, due_at=at(4, 2, 0, 30))

    c8 = new_case(e2, at(3, 25, 9), reporter=bob, category=cover, number="C8")
    step(c8, f.REPORT, bob, at(3, 25, 9))
    step(c8, f.ACCEPT, ivy, at(3, 25, 9, 5), on_time=True)
    step(c8, f.REGISTER, lee, at(3, 25, 9, 20), on_time=True)
    step(c8, f.DISPATCH, dan, at(3, 25, 10), on_time=True, department=roads, due_at=at(3, 26, 10))
    step(c8, "reject_extension", lee, at(3, 26, 9), department=roads)
    step(c8, f.GIVE_FEEDBACK, None, at(4, 2, 9), on_time=False, department=roads)

    c9 = new_case(w1, at(4, 10, 9), reporter=alice, number="C9")
    step(c9, f.REPORT, alice, at(4, 10, 9))
    step(c9, f.REJECT, ivy, at(4, 10, 9, 5))
    return {**people, "roads": roads, "parks": parks, "town": town}


def row_of(result, object_id):
    return next(row for row in result["rows"] if row["id"] == object_id)


def numbers(cases):
    return sorted(case.number for case in cases)


def test_supervisor_indicators(story):
    result = indicators.evaluate("supervisor", MARCH)
    alice = row_of(result, story["alice"].pk)
    # reports C1 C2 C3 C6 C7 = 5; valid: C1 C6 C7 accepted (C7 in April) + C3 self-handled = 4
    # missed C4; registered in RG01 in March: C1, C4 (C6 parked at month end) = 2
    # verifications 1 (on time 1); checks: C1 on time, C4 late, C4 again on time = 3 (on time 2)
    assert alice["figures"] == {
        "reports": 5,
        "valid_reports": 4,
        "missed": 1,
        "registered_in_grid": 2,
        "verifications": 1,
        "verifications_on_time": 1,
        "checks": 3,
        "checks_on_time": 2,
    }
    assert alice["rates"] == {
        "valid_report_rate": Decimal("0.8"),
        "miss_rate": Decimal("0.5"),
        "verify_on_time_rate": Decimal("1"),
        "check_on_time_rate": Decimal("0.6667"),
    }
    # 0.8 × 40 + (1 − 0.5) × 20 + 1 × 20 + 0.6667 × 20 = 32 + 10 + 20 + 13.334 = 75.334
    assert (alice["score"], alice["grade"]) == (Decimal("75.33"), "B")


def test_a_supervisor_without_verifications_or_checks_is_scored_on_the_rest(story):
    bob = row_of(indicators.evaluate("supervisor", MARCH), story["bob"].pk)
    # reports 1 (C8), valid 1; no miss (C5 came while bob was off duty); RG02 registered C5 C8 = 2
    assert bob["figures"]["missed"] == 0
    assert bob["figures"]["registered_in_grid"] == 2
    assert bob["rates"]["verify_on_time_rate"] is None
    assert bob["rates"]["check_on_time_rate"] is None
    # (1 × 40 + (1 − 0) × 20) over the weights with a denominator (60) → 60 × 100 / 60 = 100
    assert (bob["score"], bob["grade"]) == (Decimal("100.00"), "A")


def test_intake_indicators(story):
    ivy = row_of(indicators.evaluate("intake", MARCH), story["ivy"].pk)
    # accepted in March: C1 C4 C5 C6 C8 = 5 (C7 on 1 April; C2 rejected)
    # verifications sent 1, late; checks sent C1, C4, C4 = 3, all on time
    assert ivy["figures"] == {
        "accepted": 5,
        "verify_sent": 1,
        "verify_sent_on_time": 0,
        "check_sent": 3,
        "check_sent_on_time": 3,
    }
    # 5 accepted is below the first band (100 per 30 days × 31/30) → 0
    # 0 × 25 + 0 × 40 + 1 × 35 = 35 → E
    assert (ivy["score"], ivy["grade"]) == (Decimal("35.00"), "E")


def test_shift_leader_indicators_count_a_voided_case_against_accuracy(story):
    lee = row_of(indicators.evaluate("shift_leader", MARCH), story["lee"].pk)
    # registered C1 C4 C5 C6 C8 = 5, on time 4 (C4 late); voided C5 = 1; closed C1 C4, on time C1
    assert lee["figures"] == {
        "registered": 5,
        "registered_on_time": 4,
        "voided": 1,
        "closed": 2,
        "closed_on_time": 1,
    }
    assert lee["rates"] == {
        "register_on_time_rate": Decimal("0.8"),
        "register_accuracy_rate": Decimal("0.8"),
        "close_on_time_rate": Decimal("0.5"),
    }
    # 0.8 × 25 + (5 − 1) / 5 × 40 + 0.5 × 35 = 20 + 32 + 17.5 = 69.5 → C
    assert (lee["score"], lee["grade"]) == (Decimal("69.50"), "C")


def test_dispatcher_indicators_count_a_returned_dispatch(story):
    dan = row_of(indicators.evaluate("dispatcher", MARCH), story["dan"].pk)
    # dispatches C1, C4 → parks, C4 → roads (reassign), C8 = 4, all on time; returned: C4 → parks
    assert dan["figures"] == {"dispatched": 4, "dispatched_on_time": 4, "returned": 1}
    # 0 (4 is below the first band) × 20 + 1 × 40 + (4 − 1) / 4 × 40 = 0 + 40 + 30 = 70 → C
    assert (dan["score"], dan["grade"]) == (Decimal("70.00"), "C")


def test_department_indicators(story):
    result = indicators.evaluate("department", MARCH)
    roads = row_of(result, story["roads"].pk)
    # assigned C1, C4 (reassigned), C8 = 3; handled C1 C4 = 2, on time C1 (C4's feedbacks late)
    # reworked C4; overdue and pending at month end C8 (due 26 Mar, fed back 2 Apr); extended C4
    # (C8's extension refused)
    assert roads["figures"] == {
        "assigned": 3,
        "handled": 2,
        "handled_on_time": 1,
        "reworked": 1,
        "overdue_pending": 1,
        "extended": 1,
    }
    assert roads["rates"] == {
        "handled_rate": Decimal("0.6667"),
        "handled_on_time_rate": Decimal("0.3333"),
        "rework_rate": Decimal("0.5"),
        "overdue_pending_rate": Decimal("0.3333"),
        "extension_rate": Decimal("0.3333"),
    }
    # 0.6667 × 30 + 0.3333 × 20 + (1 − 0.5) × 20 + (1 − 0.3333) × 20 + (1 − 0.3333) × 10
    # = 20.001 + 6.666 + 10 + 13.334 + 6.667 = 56.668 → D
    assert (roads["score"], roads["grade"]) == (Decimal("56.67"), "D")


def test_a_department_that_returned_its_only_case_has_nothing_to_score(story):
    parks = row_of(indicators.evaluate("department", MARCH), story["parks"].pk)
    # C4 was sent to parks and returned: not theirs, so nothing assigned → every rate has a zero
    # denominator → no score, grade "—"
    assert parks["figures"]["assigned"] == 0
    assert set(parks["rates"].values()) == {None}
    assert (parks["score"], parks["grade"]) == (None, "—")


def test_region_indicators_leave_out_a_parked_case_and_keep_a_voided_one(story):
    town = story["town"]
    street = row_of(indicators.evaluate("street", MARCH), town.street.pk)
    # reported in March C1–C8 = 8, from supervisors C1 C2 C3 C6 C7 C8 = 6 → 0.75
    # registered C1 C4 C5 (voided, kept) C8 = 4 (C6 parked, C7 registered in April)
    # closed by 1 April C1 C4 = 2 → 0.5; closed on time C1 → 0.25
    assert street["figures"] == {
        "reports": 8,
        "supervisor_reports": 6,
        "registered": 4,
        "closed": 2,
        "closed_on_time": 1,
    }
    assert street["rates"] == {
        "supervisor_report_rate": Decimal("0.75"),
        "close_rate": Decimal("0.5"),
        "close_on_time_rate": Decimal("0.25"),
    }
    # 0.5 × 50 + 0.25 × 50 = 37.5 → E
    assert (street["score"], street["grade"]) == (Decimal("37.50"), "E")
    west = row_of(indicators.evaluate("community", MARCH), town.west.pk)
    # C1 C2 C3 C4 C6 C7 = 6, supervisors 5 → 0.8333; registered C1 C4; both closed, C1 on time
    # 1 × 50 + 0.5 × 50 = 75 → B
    assert west["figures"] == {
        "reports": 6,
        "supervisor_reports": 5,
        "registered": 2,
        "closed": 2,
        "closed_on_time": 1,
    }
    assert (west["score"], west["grade"]) == (Decimal("75.00"), "B")
    east_grid = row_of(indicators.evaluate("grid", MARCH), town.rg_east.pk)
    # C5 C8: reported 2, by supervisors 1; registered 2, closed 0 → 0 × 50 + 0 × 50 = 0 → E
    assert east_grid["figures"] == {
        "reports": 2,
        "supervisor_reports": 1,
        "registered": 2,
        "closed": 0,
        "closed_on_time": 0,
    }
    assert (east_grid["score"], east_grid["grade"]) == (Decimal("0.00"), "E")


def test_a_case_crossing_the_month_end_counts_each_step_in_its_own_month(story):
    march = row_of(indicators.evaluate("intake", MARCH), story["ivy"].pk)
    april = row_of(indicators.evaluate("intake", APRIL), story["ivy"].pk)
    # C7: reported 31 March (alice's March report, valid because accepted on 1 April),
    # accepted, registered, dispatched in April
    assert march["figures"]["accepted"] == 5
    assert april["figures"]["accepted"] == 1
    assert "C7" in numbers(indicators.cases_behind("supervisor", story["alice"].pk, "valid_reports", MARCH))
    assert "C7" not in numbers(indicators.cases_behind("shift_leader", story["lee"].pk, "registered", MARCH))
    assert numbers(indicators.cases_behind("shift_leader", story["lee"].pk, "registered", APRIL)) == ["C7"]


def test_every_figure_opens_to_the_cases_behind_it(story):
    alice = story["alice"].pk
    assert numbers(indicators.cases_behind("supervisor", alice, "reports", MARCH)) == [
        "C1",
        "C2",
        "C3",
        "C6",
        "C7",
    ]
    assert numbers(indicators.cases_behind("supervisor", alice, "missed", MARCH)) == ["C4"]
    assert numbers(indicators.cases_behind("supervisor", alice, "registered_in_grid", MARCH)) == ["C1", "C4"]
    assert numbers(indicators.cases_behind("department", story["roads"].pk, "overdue_pending", MARCH)) == [
        "C8"
    ]
    assert numbers(indicators.cases_behind("street", story["town"].street.pk, "closed", MARCH)) == [
        "C1",
        "C4",
    ]
    assert numbers(indicators.cases_behind("shift_leader", story["lee"].pk, "voided", MARCH)) == ["C5"]
    # and every non-zero figure of every type has as many cases behind it as it counts cases
    for object_type in indicators.OBJECT_TYPES:
        kind = indicators.object_type(object_type)
        result = indicators.evaluate(object_type, MARCH)
        for row in result["rows"]:
            for fig in kind.figures:
                if fig.count == "case" and not fig.hidden:
                    behind = indicators.cases_behind(object_type, row["id"], fig.key, MARCH).count()
                    assert behind == row["all_figures"][fig.key], (object_type, row["name"], fig.key)


def test_a_rule_change_applies_from_its_month_and_leaves_the_past_alone(story):
    RuleSet.objects.create(
        name="2024年4月修订",
        effective_from=datetime.date(2024, 4, 1),
        rules={
            **DEFAULT_RULES,
            "supervisor": {
                "weights": {
                    "valid_report_rate": 70,
                    "miss_rate_complement": 10,
                    "verify_on_time_rate": 10,
                    "check_on_time_rate": 10,
                }
            },
        },
    )
    march = indicators.evaluate("supervisor", MARCH)
    april = indicators.evaluate("supervisor", APRIL)
    assert march["rule_set"].name == "默认考核规则（DOMAIN.md）"
    assert april["rule_set"].name == "2024年4月修订"
    # March is still 75.33 under the rules of March (the April weights would give 77.67)
    assert row_of(march, story["alice"].pk)["score"] == Decimal("75.33")
    alice_april = row_of(april, story["alice"].pk)
    # April: C9 rejected → 0 of 1 valid; RG01 registered C7, no miss → 1 − 0; no checks or verifications
    # (0 × 70 + 1 × 10) over weights 80 → 10 × 100 / 80 = 12.5 (the March rules would say 33.33)
    assert alice_april["rates"]["valid_report_rate"] == Decimal("0")
    assert (alice_april["score"], alice_april["grade"]) == (Decimal("12.50"), "E")


def test_zero_denominators_are_no_rate_and_an_empty_period_scores_nobody(story):
    result = indicators.evaluate("supervisor", Period(datetime.date(2023, 1, 1), datetime.date(2023, 2, 1)))
    for row in result["rows"]:
        assert set(row["rates"].values()) == {None}
        assert (row["score"], row["grade"]) == (None, "—")


def test_any_period_a_day_or_a_week(story):
    day = Period(datetime.date(2024, 3, 10), datetime.date(2024, 3, 11))
    alice = row_of(indicators.evaluate("supervisor", day), story["alice"].pk)
    # 10 March: C4 reported by the public while alice was on duty; her verification on time
    assert alice["figures"]["missed"] == 1
    assert alice["figures"]["verifications_on_time"] == 1
    week = Period(datetime.date(2024, 3, 11), datetime.date(2024, 3, 18))  # ISO week 11
    roads = row_of(indicators.evaluate("department", week), story["roads"].pk)
    # in that week roads fed back C4 twice (late), was granted an extension and given rework; it was
    # assigned nothing that week
    assert roads["figures"] == {
        "assigned": 0,
        "handled": 1,
        "handled_on_time": 0,
        "reworked": 1,
        "overdue_pending": 0,
        "extended": 1,
    }


def test_dashboard_measures_of_the_month(story):
    # supervisors' reports in March: alice 5 + bob 1 = 6, valid 4 + 1 = 5 → 0.8333
    assert measures.acceptance_pass_rate(MARCH.start, MARCH.end) == Decimal("0.8333")
    # safety hazards sent to a department in March: C1 (handled on time), C8 (late) → 0.5
    assert measures.hazards_removed_within_limit(MARCH.start, MARCH.end) == Decimal("0.5")


def test_contract_evidence_lists_the_cases_behind_each_item(story):
    supervisors = [story["alice"].pk, story["bob"].pk]
    quantity, evidence = measures.contract_evidence("missed_reports", supervisors, MARCH.start, MARCH.end)
    assert quantity == 1
    assert evidence["figures"] == {"Alice": 1}
    assert [c["number"] for c in evidence["cases"]] == ["C4"]
    quantity, evidence = measures.contract_evidence("late_checks", supervisors, MARCH.start, MARCH.end)
    assert (quantity, [c["number"] for c in evidence["cases"]]) == (1, ["C4"])
    quantity, evidence = measures.contract_evidence("invalid_reports", supervisors, MARCH.start, MARCH.end)
    assert (quantity, [c["number"] for c in evidence["cases"]]) == (1, ["C2"])


def test_all_types_at_once_give_the_same_rows_as_one_type_at_a_time(story):
    together = indicators.evaluate_many(list(indicators.OBJECT_TYPES), MARCH)
    for key in indicators.OBJECT_TYPES:
        alone = indicators.evaluate(key, MARCH)
        assert together[key]["rows"] == alone["rows"], key
    # the supervisors' table lists supervisors only, although the actor query counts everyone
    assert {row["name"] for row in together["supervisor"]["rows"]} == {"Alice", "Bob"}
