"""``/api/``: imports the modules that attach operations to :data:`gevinst.api.router`, then mounts it."""

from __future__ import annotations

import importlib

from django.urls import path

from . import EXTENSION_MODULES, router
from .main import api


def _load_extensions() -> None:
    for name in EXTENSION_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Skip a module that does not exist yet (e.g. before the plans app has an API);
            # an import error *inside* an existing module is a bug and is raised.
            if exc.name != name:
                raise


_load_extensions()
api.add_router("/", router)

urlpatterns = [path("api/", api.urls)]
