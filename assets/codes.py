"""Component (部件) identifiers.

GB/T 47678.5-2026: 17 digits = 6 district (GB/T 2260) + 2 major + 3 minor + 6 serial; the major and
minor together are the sub-type's 5-digit code (01002 污水井盖). CJ/T 214-2007 (legacy, still
accepted): 16 digits = 6 district + 2 major + 2 minor + 6 serial, the sub-type's 4-digit code.
A legacy identifier is kept as it is, never converted: the two schemes number sub-types
differently, so there is no faithful mapping.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from catalog.models import Kind, Scheme
from urbangrid.errors import DomainError

SCHEME_BY_LENGTH = {17: Scheme.GB_2026, 16: Scheme.CJT_2007}
CATEGORY_CODE_LENGTH = {17: 5, 16: 4}


def normalize_component_identifier(code) -> str:
    """The identifier without spaces; DomainError unless it is 17 (or legacy 16) digits."""
    text = "".join(str(code or "").split())
    if not text.isdigit() or len(text) not in SCHEME_BY_LENGTH:
        raise DomainError(
            _(
                "部件标识码“%(code)s”无效：应为 17 位数字（GB/T 47678.5-2026），或 16 位数字（CJ/T 214-2007）。"
            )
            % {"code": code}
        )
    return text


def identifier_scheme(identifier: str) -> str:
    return SCHEME_BY_LENGTH[len(identifier)]


def identifier_category_code(identifier: str) -> str:
    """The sub-type code inside the identifier: 5 digits (17-digit ids) or 4 (16-digit legacy ids)."""
    return identifier[6 : 6 + CATEGORY_CODE_LENGTH[len(identifier)]]


def check_component_identifier(code, category=None) -> str:
    """Normalise the identifier and check it against the district and, if given, the category.

    The district part must be this installation's district; the sub-type part must be the
    category's code in the scheme the identifier's length names.
    """
    identifier = normalize_component_identifier(code)
    district = settings.URBANGRID_DISTRICT_CODE
    if identifier[:6] != district:
        raise DomainError(
            _("部件标识码 %(code)s 的区划代码 %(found)s 不是本区的 %(district)s。")
            % {"code": identifier, "found": identifier[:6], "district": district}
        )
    if category is not None:
        scheme = identifier_scheme(identifier)
        if category.kind != Kind.COMPONENT:
            raise DomainError(_("“%(name)s”是事件类别，不是部件类别。") % {"name": category.minor_name})
        if category.scheme != scheme:
            raise DomainError(
                _("部件标识码 %(code)s 是 %(scheme)s 编码，而类别“%(name)s”属于 %(category_scheme)s。")
                % {
                    "code": identifier,
                    "scheme": scheme,
                    "name": category.minor_name,
                    "category_scheme": category.scheme,
                }
            )
        if identifier_category_code(identifier) != category.minor_code:
            raise DomainError(
                _("部件标识码 %(code)s 中的类别代码 %(found)s 与类别“%(minor_code)s %(name)s”不符。")
                % {
                    "code": identifier,
                    "found": identifier_category_code(identifier),
                    "minor_code": category.minor_code,
                    "name": category.minor_name,
                }
            )
    return identifier
