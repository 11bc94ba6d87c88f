"""Money and rate formatting for the contract and evaluation pages: 1,981,440.00 and 95.2%."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value):
    """12345.5 → "12,345.50"; empty stays "—"."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def percent(value, digits=1):
    """A share in [0, 1] → "95.2%"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value) * 100:.{int(digits)}f}%"


@register.filter
def share(part, whole):
    """part / whole as a percentage, "—" when whole is zero."""
    if not whole:
        return "—"
    return percent(Decimal(part or 0) / Decimal(whole))
