"""The JSON API: bearer tokens (hashed, revocable), scoping, schema and the docs page (no CDN)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from gevinst.accounts.models import ApiToken, Membership, Organisation, Role
from gevinst.accounts.tokens import create_api_token, hash_token

pytestmark = pytest.mark.django_db
PASSWORD = "Sv4rt-hemmelig-passord"


@pytest.fixture
def setup_users():
    a = Organisation.objects.create(name="Nittedal kommune", slug="nittedal", region="3233")
    b = Organisation.objects.create(name="Rælingen kommune", slug="ralingen", region="3230")
    kari = get_user_model().objects.create_user("kari", "kari@example.no", PASSWORD)
    Membership.objects.create(user=kari, organisation=a, role=Role.REDAKTOR)
    per = get_user_model().objects.create_user("per", "per@example.no", PASSWORD)
    Membership.objects.create(user=per, organisation=b, role=Role.LESER)
    return kari, per


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_401_without_or_with_bad_token(client, setup_users):
    for url in ("/api/orgs/", "/api/orgs/nittedal/"):
        r = client.get(url)
        assert r.status_code == 401
        assert r["WWW-Authenticate"] == "Bearer"
        assert "API-nøkkel" in r.json()["detail"]
        assert client.get(url, **bearer("gev_feil")).status_code == 401
        assert client.get(url, **bearer("")).status_code == 401


def test_session_login_is_not_enough_for_the_api(client, setup_users):
    client.login(username="kari", password=PASSWORD)
    assert client.get("/api/orgs/").status_code == 401


def test_token_lists_only_own_organisations(client, setup_users):
    kari, _per = setup_users
    _row, token = create_api_token(kari, "test")
    r = client.get("/api/orgs/", **bearer(token))
    assert r.status_code == 200
    assert r.json() == [
        {"slug": "nittedal", "name": "Nittedal kommune", "region": "3233", "is_demo": False, "role": "redaktor"}
    ]
    assert client.get("/api/orgs/nittedal/", **bearer(token)).json()["name"] == "Nittedal kommune"
    r = client.get("/api/orgs/ralingen/", **bearer(token))
    assert r.status_code == 404 and "Rælingen" not in r.content.decode()
    assert client.get("/api/orgs/finnes-ikke/", **bearer(token)).status_code == 404
    assert ApiToken.objects.get().last_used_at is not None


def test_tokens_are_stored_hashed_and_revocable(client, setup_users):
    kari, _per = setup_users
    row, token = create_api_token(kari, "test")
    assert token.startswith("gev_") and len(token) > 40
    assert row.token_hash == hash_token(token)
    stored = ApiToken.objects.values_list("token_hash", "prefix", "name").get()
    assert all(token not in str(v) for v in stored)
    assert client.get("/api/orgs/", **bearer(token)).status_code == 200

    # Revoke on the page; other users cannot revoke it.
    client.login(username="per", password=PASSWORD)
    client.post(reverse("accounts:token_revoke", args=[row.pk]))
    assert client.get("/api/orgs/", **bearer(token)).status_code == 200
    client.login(username="kari", password=PASSWORD)
    r = client.post(reverse("accounts:token_revoke", args=[row.pk]), follow=True)
    assert "trukket tilbake" in r.content.decode()
    assert client.get("/api/orgs/", **bearer(token)).status_code == 401


def test_inactive_user_token_refused(client, setup_users):
    kari, _per = setup_users
    _row, token = create_api_token(kari, "test")
    get_user_model().objects.filter(pk=kari.pk).update(is_active=False)
    assert client.get("/api/orgs/", **bearer(token)).status_code == 401


def test_token_page_shows_new_token_once(client, setup_users):
    client.login(username="kari", password=PASSWORD)
    r = client.post(reverse("accounts:tokens"), {"name": "Power BI"})
    body = r.content.decode()
    token = re.search(r'<code id="ny-nokkel">(gev_[^<]+)</code>', body).group(1)
    assert r["Cache-Control"] == "no-store"
    assert client.get("/api/orgs/", **bearer(token)).status_code == 200
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert token not in again and "Power BI" in again
    r = client.post(reverse("accounts:tokens"), {"name": ""})
    assert r.status_code == 400 and "Skjemaet har feil" in r.content.decode()


def test_token_page_requires_login(client):
    r = client.get(reverse("accounts:tokens"))
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))


def test_token_command(client, setup_users):
    out = StringIO()
    call_command("token", "create", "kari", "--name", "skript", stdout=out)
    token = out.getvalue().strip()
    assert client.get("/api/orgs/", **bearer(token)).status_code == 200
    out = StringIO()
    call_command("token", "list", "kari", stdout=out)
    assert "skript" in out.getvalue() and token not in out.getvalue()
    call_command("token", "revoke", "kari", str(ApiToken.objects.get().pk))
    assert client.get("/api/orgs/", **bearer(token)).status_code == 401


def test_openapi_schema_and_docs_without_cdn(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/orgs/" in schema["paths"] and "/api/orgs/{slug}/" in schema["paths"]
    assert schema["components"]["securitySchemes"]
    r = client.get("/api/docs")
    assert r.status_code == 200
    body = r.content.decode()
    assert "API-dokumentasjon" in body and "/api/orgs/{slug}/" in body  # server-rendered list
    assert "Mine organisasjoner" in body
    srcs = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert not [s for s in srcs if s.startswith(("http:", "https:", "//"))], srcs
    assert "/static/ninja/swagger-ui-bundle.js" in body
    # No inline executable script: the only inline <script> is JSON data.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    assert all('type="application/json"' in attrs for attrs in inline)
    assert "'unsafe-inline'" not in r["Content-Security-Policy"]
