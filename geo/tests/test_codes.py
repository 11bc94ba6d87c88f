import pytest

from geo.codes import (
    check_community_in_street,
    check_unit_grid_in_community,
    make_unit_grid_code,
    normalize_community_code,
    normalize_street_code,
    normalize_unit_grid_code,
    split_unit_grid_code,
)
from urbangrid.errors import DomainError


def test_a_15_digit_unit_grid_code_is_accepted_as_is():
    assert normalize_unit_grid_code("530114001001012") == "530114001001012"


def test_surrounding_spaces_are_ignored():
    assert normalize_unit_grid_code("  530114001001012 ") == "530114001001012"


def test_a_14_digit_legacy_code_gets_a_3_digit_serial():
    assert normalize_unit_grid_code("53011400100112") == "530114001001012"


def test_a_code_of_the_wrong_length_is_refused_with_its_length():
    with pytest.raises(DomainError) as raised:
        normalize_unit_grid_code("5301140010010")
    assert raised.value.message == "单元网格编码“5301140010010”应为15位数字（或14位旧编码），实际为13位"


def test_a_code_with_letters_is_refused():
    with pytest.raises(DomainError) as raised:
        normalize_unit_grid_code("53011400100A012")
    assert raised.value.message == "单元网格编码“53011400100A012”只能包含数字0-9"


def test_full_width_or_other_unicode_digits_are_refused():
    with pytest.raises(DomainError):
        normalize_unit_grid_code("５３０１１４００１００１０１２")


def test_an_empty_code_is_refused():
    with pytest.raises(DomainError) as raised:
        normalize_unit_grid_code("")
    assert raised.value.message == "单元网格编码不能为空"


def test_a_serial_of_000_is_refused():
    with pytest.raises(DomainError) as raised:
        normalize_unit_grid_code("530114001001000")
    assert raised.value.message == "单元网格编码“530114001001000”中的网格序号部分不能为000"


def test_a_community_part_of_000_is_refused():
    with pytest.raises(DomainError):
        normalize_unit_grid_code("530114001000001")


def test_street_codes_have_9_digits_and_community_codes_12():
    assert normalize_street_code("530114001") == "530114001"
    assert normalize_community_code("530114001002") == "530114001002"
    with pytest.raises(DomainError):
        normalize_street_code("5301140011")
    with pytest.raises(DomainError):
        normalize_community_code("53011400100")


def test_a_code_splits_into_its_hierarchy():
    parts = split_unit_grid_code("53011400200312")
    assert (parts.district, parts.street, parts.community, parts.serial) == (
        "530114",
        "530114002",
        "530114002003",
        12,
    )


def test_a_grid_code_must_start_with_its_community_code():
    check_unit_grid_in_community("530114001001012", "530114001001")
    with pytest.raises(DomainError) as raised:
        check_unit_grid_in_community("530114001002012", "530114001001")
    assert raised.value.message == (
        "单元网格编码“530114001002012”与所属社区编码“530114001001”不一致（前12位应相同）"
    )


def test_a_community_code_must_start_with_its_street_code():
    with pytest.raises(DomainError):
        check_community_in_street("530114002001", "530114001")


def test_grid_codes_are_made_from_community_and_serial():
    assert make_unit_grid_code("530114001001", 7) == "530114001001007"
    with pytest.raises(DomainError):
        make_unit_grid_code("530114001001", 1000)
