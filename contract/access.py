"""Who may see which contracts: the centre sees all, a contractor's staff see their own."""

from django.utils.translation import gettext as _

from accounts.models import CENTRE_ROLES, Role
from urbangrid.errors import NotAllowed, NotFound

from .models import Contract, MonthlyAssessment


def visible_contracts(user):
    if user.is_authenticated and (user.role in CENTRE_ROLES or user.is_superuser):
        return Contract.objects.all()
    if user.is_authenticated and user.role == Role.CONTRACTOR and user.department_id:
        return Contract.objects.filter(contractor_id=user.department_id)
    raise NotAllowed(_("无权查看合同与考核"))


def get_contract(user, contract_id: int) -> Contract:
    contract = visible_contracts(user).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(_("合同不存在"))
    return contract


def get_sheet(user, sheet_id: int) -> MonthlyAssessment:
    sheet = (
        MonthlyAssessment.objects.select_related(
            "contract", "contract__contractor", "approved_by", "acknowledged_by"
        )
        .filter(contract__in=visible_contracts(user), pk=sheet_id)
        .first()
    )
    if sheet is None:
        raise NotFound(_("考核表不存在"))
    return sheet
