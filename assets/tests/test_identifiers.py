import pytest

from assets.codes import check_component_identifier, normalize_component_identifier
from urbangrid.errors import DomainError


def test_a_17_digit_identifier_is_accepted_as_it_is():
    assert normalize_component_identifier("53011401002000001") == "53011401002000001"


def test_spaces_inside_an_identifier_are_dropped():
    assert normalize_component_identifier(" 530114 01002 000001 ") == "53011401002000001"


def test_a_16_digit_legacy_identifier_is_accepted_and_kept_at_16_digits():
    assert normalize_component_identifier("5301140102000001") == "5301140102000001"


@pytest.mark.parametrize(
    "code", ["", "530114010020000", "530114010020000011", "5301140100200000A", None, "530114-01002-001"]
)
def test_wrong_lengths_and_non_digits_are_refused(code):
    with pytest.raises(DomainError, match="应为 17 位数字"):
        normalize_component_identifier(code)


def test_the_identifier_matches_its_gb_category(sewer_cover):
    assert check_component_identifier("53011401002000001", sewer_cover) == "53011401002000001"


def test_a_legacy_identifier_matches_its_cjt_category(legacy_sewer_cover):
    assert check_component_identifier("5301140102000001", legacy_sewer_cover) == "5301140102000001"


def test_an_identifier_of_another_sub_type_is_refused(street_lamp):
    with pytest.raises(DomainError, match="中的类别代码 01002 与类别“01037 路灯”不符"):
        check_component_identifier("53011401002000001", street_lamp)


def test_a_legacy_identifier_does_not_match_a_gb_category(sewer_cover):
    with pytest.raises(DomainError, match="是 CJ/T 214-2007 编码，而类别“污水井盖”属于 GB/T 47678.5-2026"):
        check_component_identifier("5301140102000001", sewer_cover)


def test_an_event_category_is_not_a_component(sewer_cover_event):
    with pytest.raises(DomainError, match="是事件类别"):
        check_component_identifier("53011401002000001", sewer_cover_event)


def test_an_identifier_of_another_district_is_refused():
    with pytest.raises(DomainError, match="区划代码 530112 不是本区的 530114"):
        check_component_identifier("53011201002000001")
