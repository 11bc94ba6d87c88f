"""Geographic codes (GB/T 30428.2 style) and their validation.

A unit grid (单元网格) code has 15 digits: 6 district (GB/T 2260, 呈贡区 = 530114) + 3 street (街道)
+ 3 community (社区) + 3 serial. Older systems used 14 digits (a 2-digit serial); those are accepted
and widened to 15 by putting a "0" in front of the serial, so 53011400100112 → 530114001001012.
A street code is 9 digits (district + street), a community code 12 (street + community).

Every function here either returns the normalised code or raises DomainError with a message a
user can act on; nothing here touches the database.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from urbangrid.errors import DomainError

_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class UnitGridCode:
    """The parts of a normalised 15-digit unit grid code."""

    district: str  # 6 digits
    street: str  # 9 digits (district + street)
    community: str  # 12 digits (street + community)
    serial: int  # 1..999


def _clean(code, what: str) -> str:
    if not isinstance(code, str | int) or isinstance(code, bool):
        raise DomainError(_("%(what)s编码必须是数字字符串") % {"what": what})
    text = str(code).strip()
    if not text:
        raise DomainError(_("%(what)s编码不能为空") % {"what": what})
    if not _DIGITS.fullmatch(text):
        raise DomainError(_("%(what)s编码“%(code)s”只能包含数字0-9") % {"what": what, "code": text})
    return text


def _check_length(text: str, length: int, what: str) -> None:
    if len(text) != length:
        raise DomainError(
            _("%(what)s编码“%(code)s”应为%(length)d位数字，实际为%(actual)d位")
            % {"what": what, "code": text, "length": length, "actual": len(text)}
        )


def _check_segments(text: str, what: str) -> None:
    """No segment below the district may be all zeros (000 is not a street, community or serial)."""
    if text[:6] == "000000" or text[0] == "0":
        raise DomainError(_("%(what)s编码“%(code)s”的区县代码无效") % {"what": what, "code": text})
    labels = [(6, 9, _("街道")), (9, 12, _("社区")), (12, 15, _("网格序号"))]
    for start, end, label in labels:
        if len(text) >= end and text[start:end] == "000":
            raise DomainError(
                _("%(what)s编码“%(code)s”中的%(part)s部分不能为000")
                % {"what": what, "code": text, "part": label}
            )


def normalize_district_code(code) -> str:
    """A 6-digit GB/T 2260 district code."""
    text = _clean(code, _("区县"))
    _check_length(text, 6, _("区县"))
    _check_segments(text, _("区县"))
    return text


def normalize_street_code(code) -> str:
    """A 9-digit street (街道) code: district + 3 digits."""
    text = _clean(code, _("街道"))
    _check_length(text, 9, _("街道"))
    _check_segments(text, _("街道"))
    return text


def normalize_community_code(code) -> str:
    """A 12-digit community (社区) code: street + 3 digits."""
    text = _clean(code, _("社区"))
    _check_length(text, 12, _("社区"))
    _check_segments(text, _("社区"))
    return text


def normalize_unit_grid_code(code) -> str:
    """A 15-digit unit grid code; a 14-digit legacy code is widened (serial 2 → 3 digits)."""
    text = _clean(code, _("单元网格"))
    if len(text) == 14:
        text = text[:12] + "0" + text[12:]
    elif len(text) != 15:
        raise DomainError(
            _("单元网格编码“%(code)s”应为15位数字（或14位旧编码），实际为%(actual)d位")
            % {"code": text, "actual": len(text)}
        )
    _check_segments(text, _("单元网格"))
    return text


def split_unit_grid_code(code) -> UnitGridCode:
    text = normalize_unit_grid_code(code)
    return UnitGridCode(district=text[:6], street=text[:9], community=text[:12], serial=int(text[12:]))


def make_unit_grid_code(community_code: str, serial: int) -> str:
    """The code of the `serial`-th unit grid of a community (1..999)."""
    community_code = normalize_community_code(community_code)
    if not 1 <= serial <= 999:
        raise DomainError(
            _("社区%(community)s的网格序号%(serial)d超出1-999的范围")
            % {"community": community_code, "serial": serial}
        )
    return f"{community_code}{serial:03d}"


def check_parent(code: str, parent_code: str, *, what: str, parent_what: str) -> None:
    """Raise unless `code` starts with `parent_code` (a grid's code with its community's, etc.)."""
    if not code.startswith(parent_code):
        raise DomainError(
            _("%(what)s编码“%(code)s”与所属%(parent_what)s编码“%(parent)s”不一致（前%(n)d位应相同）")
            % {
                "what": what,
                "code": code,
                "parent_what": parent_what,
                "parent": parent_code,
                "n": len(parent_code),
            }
        )


def check_unit_grid_in_community(unit_grid_code: str, community_code: str) -> None:
    check_parent(unit_grid_code, community_code, what=_("单元网格"), parent_what=_("社区"))


def check_community_in_street(community_code: str, street_code: str) -> None:
    check_parent(community_code, street_code, what=_("社区"), parent_what=_("街道"))


def check_street_in_district(street_code: str, district_code: str) -> None:
    check_parent(street_code, district_code, what=_("街道"), parent_what=_("区县"))
