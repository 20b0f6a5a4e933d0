"""How Docket writes a number: the templates' ``num`` filter and the charts' values."""

from __future__ import annotations


def format_number(value: int | float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"
