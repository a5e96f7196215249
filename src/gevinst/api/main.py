"""The NinjaAPI instance, its error answers (bokmål) and the docs page.

The docs page (``/api/docs``) is rendered by gevinst itself: a server-rendered
bokmål list of every operation (works without JavaScript), with Swagger UI on
top, loaded from django-ninja's own static files (no CDN) and started by
ninja's external init script — nothing inline, so the strict CSP holds.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.openapi.docs import DocsBase

from .auth import TokenAuth

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class GevinstDocs(DocsBase):
    def render_page(self, request, api, **kwargs):
        openapi_url = self.get_openapi_url(api, kwargs)
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for path, item in schema["paths"].items():
            for method in HTTP_METHODS:
                if method in item:
                    op = item[method]
                    operations.append(
                        {
                            "method": method.upper(),
                            "path": path,
                            "summary": op.get("summary", ""),
                            "description": op.get("description", ""),
                            "tags": ", ".join(op.get("tags", [])),
                        }
                    )
        settings = {"url": openapi_url, "layout": "BaseLayout", "deepLinking": False}
        return render(
            request,
            "api/docs.html",
            {
                "api": api,
                "openapi_url": openapi_url,
                "operations": operations,
                "swagger_settings": json.dumps(settings),
            },
        )


api = NinjaAPI(
    title="gevinst API",
    version="1",
    description=(
        "JSON-API for gevinstrealisering. Autentisering: `Authorization: Bearer <nøkkel>` "
        "med en personlig API-nøkkel fra /konto/tokens/. Du ser bare organisasjoner du er medlem av."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs=GevinstDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": _("Rollen din gir ikke tilgang til dette.")}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("Ikke funnet.")}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = api.create_response(
        request, {"detail": _("Mangler eller ugyldig API-nøkkel (Authorization: Bearer <nøkkel>).")}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response
