"""The indicator catalogue (*indikatorkatalog*): what to measure, from where, and why.

The catalogue is a TOML file in this package (``indicators.toml``), reviewed like
code and validated when it is loaded. ``GEVINST_CATALOGUE`` points at another file
that replaces it. See :mod:`gevinst.catalogue.loader`.
"""

from .loader import Area, Catalogue, Indicator, Source, load_catalogue

__all__ = ["Area", "Catalogue", "Indicator", "Source", "load_catalogue"]
