"""gevinst: plan, measure and realise the benefits of change in Norwegian municipalities."""

__version__ = "0.1.0"
