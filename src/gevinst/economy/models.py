"""Models of the economy app (financial targets, deflators, scenarios) live in their own modules
and are imported here so Django finds them."""
from .models_finance import FinancialTarget  # noqa: F401
