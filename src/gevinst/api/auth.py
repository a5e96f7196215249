"""Bearer-token authentication and organisation scoping for the API."""

from __future__ import annotations

from ninja.security import HttpBearer

from gevinst.accounts.tokens import user_for_api_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` → the token's user (``request.auth``); no CSRF (no cookies)."""

    openapi_description = "Personlig API-nøkkel fra /konto/tokens/"

    def authenticate(self, request, token: str):
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user

