"""Quantities and evidence of a sheet's automatic items, collected from the case history and the
patrol tracks of the contractor's supervisors for the month.

Each source returns (quantity, evidence) where evidence is {"figures": {...}, "cases": [...]} or
{"figures": {...}, "attendance": [...]}: the lists a contractor can check item by item.
"""

from decimal import Decimal

from accounts.models import Role, User

from .targets import month_range


def contract_supervisors(contract):
    """The supervisors employed by the contractor (all supervisors when none is linked to it)."""
    staff = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
    own = staff.filter(department_id=contract.contractor_id)
    return own if own.exists() else staff


def collect_item(source: str, contract, month) -> tuple[Decimal, dict]:
    from evaluation import measures

    start, end = month_range(month)
    supervisor_ids = list(contract_supervisors(contract).values_list("id", flat=True))
    quantity, evidence = measures.contract_evidence(source, supervisor_ids, start, end)
    return Decimal(quantity), evidence
