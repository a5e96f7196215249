"""Tenant isolation over every route: no user ever sees or changes another organisation's data.

The test discovers what to attack instead of listing it, so a view or API
operation added later is covered without touching this file:

- every URL pattern from the resolver (recursively); a pattern that takes an
  organisation ``slug`` or an object id is requested (GET and POST) with the
  demo organisation's slug and the ids of its objects, and with the attacker's
  *own* slug and the demo organisation's ids (the classic id swap);
- every operation in the OpenAPI schema, called with the attacker's token;
- the demo organisation's objects: one (or more) of every model that belongs to
  an organisation — found through ``django.apps`` as models with a foreign key
  to ``Organisation``, or to such a model — created from the field definitions
  with recognisable marker texts.

The attacker is an *administrator* of another organisation, so a role check
cannot hide a missing scope check. Scoped routes must answer 401/403/404/405
(422 for an API body the schema rejects) without any demo data in the body,
and must not change any demo object; public routes may answer 200 but must not
contain the demo organisation's names or markers.
``test_walker_catches_unscoped_view`` proves the walk fails on a leaky view.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import sys
import types
import uuid

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.resolvers import RoutePattern

from gevinst.accounts.models import Membership, Organisation, Role
from gevinst.accounts.tokens import create_api_token

pytestmark = pytest.mark.django_db
PASSWORD = "Sv4rt-hemmelig-passord"
MARKER = "HEMMELIGLORENSKOG"
ALLOWED_SCOPED = {401, 403, 404, 405}
#: Routes with an object id but no organisation (the user's own objects, e.g. API tokens) may
#: also redirect back with a message; the snapshot proves nothing of the demo's changed.
ALLOWED_USER_SCOPED = ALLOWED_SCOPED | {302}
#: Not walked: logging out would end the attacker's session half-way.
SKIP_NAMES = {"logout"}
ALLOWED_API = ALLOWED_SCOPED | {422}
ID_NAMES = re.compile(r"^(pk|id|.*_id|.*_pk)$")


# ------------------------------------------------------------ discovery
def org_owned_models() -> list[type[models.Model]]:
    """Models with a FK to Organisation, or to a model that has one (transitively)."""
    owned: set = set()
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in owned or model is Organisation:
                continue
            for f in model._meta.concrete_fields:
                if (f.many_to_one or f.one_to_one) and (
                    f.related_model is Organisation or f.related_model in owned
                ):
                    owned.add(model)
                    changed = True
                    break
    return sorted(owned, key=lambda m: m._meta.label)


def _path_to_org(model, seen=()) -> str | None:
    """Lookup path from ``model`` to its organisation, e.g. ``benefit__organisation``."""
    for f in model._meta.concrete_fields:
        if (f.many_to_one or f.one_to_one) and f.related_model is Organisation:
            return f.name
    for f in model._meta.concrete_fields:
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model not in seen:
            sub = _path_to_org(f.related_model, (*seen, model))
            if sub:
                return f"{f.name}__{sub}"
    return None


def objects_of(org) -> dict[str, list]:
    out = {}
    for model in org_owned_models():
        lookup = _path_to_org(model)
        if lookup:
            manager = getattr(model, "all_objects", None) or model._base_manager
            out[model._meta.label] = list(manager.filter(**{lookup: org}))
    return out


class Factory:
    """Creates an instance of any model from its field definitions, with marker texts."""

    def __init__(self, org, user):
        self.org, self.user, self.made, self.n = org, user, {}, 0

    def text(self, f) -> str:
        self.n += 1
        if isinstance(f, models.EmailField):
            return f"{MARKER.lower()}{self.n}@example.no"
        if isinstance(f, models.URLField):
            return f"https://example.no/{MARKER}{self.n}"
        if isinstance(f, models.SlugField):
            return f"{MARKER.lower()}-{self.n}"[: f.max_length]
        value = f"{MARKER} {f.model.__name__} {f.name} {self.n}"
        return value[: f.max_length] if f.max_length else value

    def value(self, f):
        if f.choices:
            return f.choices[0][0]
        if isinstance(f, (models.CharField, models.TextField)):
            return self.text(f)
        if isinstance(f, models.BooleanField):
            return False
        if isinstance(f, (models.IntegerField, models.SmallIntegerField, models.BigIntegerField)):
            return 1
        if isinstance(f, models.DecimalField):
            return decimal.Decimal(1)
        if isinstance(f, models.FloatField):
            return 1.0
        if isinstance(f, models.DateTimeField):
            return dt.datetime.now(dt.UTC)
        if isinstance(f, models.DateField):
            return dt.date(2025, 1, 1)
        if isinstance(f, models.DurationField):
            return dt.timedelta(days=1)
        if isinstance(f, models.UUIDField):
            return uuid.uuid4()
        if isinstance(f, models.JSONField):
            return {}
        raise TypeError(f"no value for {f!r}")

    def related(self, model):
        if model is Organisation:
            return self.org
        if model is get_user_model():
            return self.user
        if model in self.made:
            return self.made[model]
        if model in OWNED:
            return self.make(model)
        existing = model._base_manager.first()
        return existing if existing is not None else self.make(model)

    def make(self, model):
        kwargs = {}
        for f in model._meta.concrete_fields:
            if f.primary_key or f.auto_created or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                continue
            if f.is_relation:
                kwargs[f.name] = self.related(f.related_model)
            elif isinstance(f, (models.CharField, models.TextField)) and not f.choices:
                kwargs[f.name] = self.text(f)  # always: texts are what a leak would show
            elif f.has_default() or f.null:
                continue
            else:
                kwargs[f.name] = self.value(f)
        obj = model(**kwargs)
        obj.save()
        self.made[model] = obj
        return obj


OWNED: list = []


@pytest.fixture
def world(monkeypatch):
    """The demo organisation with an object of every org-owned model, and an attacker."""
    from gevinst.accounts.demo import ensure_demo

    monkeypatch.delenv("GEVINST_DEMO_PASSWORD", raising=False)
    demo, username, _pw = ensure_demo()
    OWNED[:] = org_owned_models()
    demo_user = get_user_model().objects.get(username=username)
    demo_user.email = f"{MARKER.lower()}@example.no"
    demo_user.save()
    create_api_token(demo_user, "demo")  # its id is in reach of the token pages
    factory = Factory(demo, demo_user)
    failures = {}
    for model in OWNED:
        if model is Membership:
            continue  # the demo user's membership exists
        try:
            with transaction.atomic():
                factory.make(model)
        except Exception as exc:  # noqa: BLE001 - reported below if no instance exists
            failures[model._meta.label] = repr(exc)
    objs = objects_of(demo)
    missing = {label: failures.get(label, "?") for label, rows in objs.items() if not rows}
    assert not missing, f"no demo instance of these organisation-owned models: {missing}"

    attacker_org = Organisation.objects.create(name="Angriper kommune", slug="angriper", region="0301")
    from gevinst.cycle.models import CycleYear

    for year in CycleYear.objects.filter(organisation=demo).values_list("budget_year", flat=True):
        # The attacker has an årshjul for the same budget year, so a swapped id in
        # /org/angriper/arshjul/<year>/…/<id>/ reaches the object lookup, not just the year's.
        CycleYear.objects.create(organisation=attacker_org, budget_year=year)
    attacker = get_user_model().objects.create_user("angriper", "angriper@example.no", PASSWORD)
    Membership.objects.create(user=attacker, organisation=attacker_org, role=Role.ADMINISTRATOR)
    _row, token = create_api_token(attacker, "angrep")

    own = {o.pk for rows in objects_of(attacker_org).values() for o in rows} | {attacker_org.pk}
    from gevinst.accounts.models import ApiToken

    own |= set(ApiToken.objects.filter(user=attacker).values_list("pk", flat=True))
    demo_tokens = set(ApiToken.objects.filter(user=demo_user).values_list("pk", flat=True))
    demo_ids = sorted(({o.pk for rows in objs.values() for o in rows} | demo_tokens) - own)
    markers = {demo.name, MARKER}
    for rows in objs.values():
        for o in rows:
            for f in o._meta.concrete_fields:
                v = getattr(o, f.attname)
                if isinstance(v, str) and not f.choices and len(v) >= 12 and not f.name.endswith("hash"):
                    markers.add(v)
    years = sorted(CycleYear.objects.filter(organisation=demo).values_list("budget_year", flat=True)) or [1]
    return types.SimpleNamespace(
        demo=demo, attacker_org=attacker_org, attacker=attacker, token=token, years=years,
        demo_ids=demo_ids, markers=markers, names={demo.name, MARKER},
        kinds=sorted({m._meta.model_name for m in OWNED}),
    )


def snapshot(org) -> dict:
    from gevinst.accounts.models import ApiToken

    tokens = ApiToken.objects.filter(user__memberships__organisation=org)
    return {"tokens": sorted(tokens.values_list("pk", "revoked_at")), **{
        label: sorted(
            (o.pk, tuple(getattr(o, f.attname) for f in o._meta.concrete_fields)) for o in rows
        )
        for label, rows in objects_of(org).items()
    }}


# ------------------------------------------------------------ URL walk
def url_patterns(resolver=None, prefix="", converters=None):
    """(route, converters, name) of every pattern, recursively (``path()`` routes only)."""
    resolver = resolver or get_resolver()
    converters = converters or {}
    for p in resolver.url_patterns:
        if not isinstance(p.pattern, RoutePattern):
            yield prefix + str(p.pattern), None, getattr(p, "name", None)
            continue
        route = prefix + str(p.pattern)
        conv = {**converters, **p.pattern.converters}
        if isinstance(p, URLResolver):
            yield from url_patterns(p, route, conv)
        elif isinstance(p, URLPattern):
            yield route, conv, p.name


PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def fill(route: str, values: dict) -> str:
    return "/" + PARAM.sub(lambda m: str(values[m.group("name")]), route)


def expansions(route, conv, w):
    """Concrete URLs for a route: (url, allowed statuses or None for a public route)."""
    names = [m.group("name") for m in PARAM.finditer(route)]
    if "slug" in names:
        scoped = ALLOWED_SCOPED
    elif any(ID_NAMES.match(n) for n in names):
        scoped = ALLOWED_USER_SCOPED
    else:
        scoped = None
    choices = {}
    for n in names:
        c = conv.get(n) if conv else None
        is_int = c is not None and c.regex in (r"[0-9]+",)
        if n == "slug":
            choices[n] = [w.demo.slug, w.attacker_org.slug]
        elif n == "year":
            choices[n] = w.years  # a budget year (årshjul), not an object id: the demo's own years
        elif is_int:
            choices[n] = w.demo_ids or [1]
        elif n == "kind":
            choices[n] = w.kinds
        elif n == "token":
            choices[n] = ["ugyldig-token"]
        else:
            choices[n] = [w.demo.region]
    combos = [{}]
    for n in names:
        combos = [{**c, n: v} for c in combos for v in choices[n]]
    for values in combos:
        if values.get("slug") == w.attacker_org.slug and not any(ID_NAMES.match(n) for n in names):
            continue  # the attacker's own pages without foreign ids are theirs to see
        yield fill(route, values), scoped


def walk_urls(client, w, skip_prefixes=("static/",)) -> tuple[list[str], int]:
    problems, count = [], 0
    for route, conv, name in url_patterns():
        if conv is None:
            if "<" in route or "(?P" in route:
                problems.append(f"{route}: regex route with parameters, not checked — use path()")
            continue
        if route.startswith(skip_prefixes) or name in SKIP_NAMES:
            continue
        for url, scoped in expansions(route, conv, w):
            for method in ("get", "post"):
                r = getattr(client, method)(url)
                count += 1
                body = _body(r)
                if scoped:
                    if r.status_code not in scoped:
                        problems.append(f"{method.upper()} {url} ({name}): {r.status_code}")
                    leaked = [m for m in w.markers if m in body]
                else:
                    leaked = [m for m in w.names if m in body]
                if leaked:
                    problems.append(f"{method.upper()} {url} ({name}): shows {leaked[:3]}")
    return problems, count


def _body(r) -> str:
    if getattr(r, "streaming", False):
        return b"".join(r.streaming_content).decode("utf-8", "replace")
    return r.content.decode("utf-8", "replace")


# ------------------------------------------------------------ API walk
def example(schema, root, depth=0):
    """A minimal value valid for a JSON schema (so the handler runs, not only validation)."""
    if depth > 6:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return example(root["components"]["schemas"][name], root, depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return example(schema[key][0], root, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    t = schema.get("type")
    if t == "object" or "properties" in schema:
        return {k: example(v, root, depth + 1) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", [])}
    if t == "array":
        return []
    if t == "integer":
        return 1
    if t == "number":
        return 1
    if t == "boolean":
        return False
    fmt = schema.get("format")
    return {"date": "2025-01-01", "date-time": "2025-01-01T00:00:00Z", "email": "x@example.no"}.get(fmt, "x")


def walk_api(client, w, schema_urls=("/api/openapi.json",)) -> tuple[list[str], int]:
    problems, count = [], 0
    auth = {"HTTP_AUTHORIZATION": f"Bearer {w.token}"}
    for schema_url in schema_urls:
        schema = client.get(schema_url).json()
        for route, item in schema["paths"].items():
            names = re.findall(r"{([^}]+)}", route)
            if not names:
                for method in item:
                    r = getattr(client, method)(route, **auth)
                    count += 1
                    leaked = [m for m in w.markers if m in _body(r)]
                    if leaked:
                        problems.append(f"API {method.upper()} {route}: shows {leaked[:3]}")
                continue
            choices = {
                n: [w.demo.slug, w.attacker_org.slug] if n == "slug"
                else (w.demo_ids or [1]) if ID_NAMES.match(n)
                else [w.demo.region]
                for n in names
            }
            combos = [{}]
            for n in names:
                combos = [{**c, n: v} for c in combos for v in choices[n]]
            for values in combos:
                if values.get("slug") == w.attacker_org.slug and not any(ID_NAMES.match(n) for n in names):
                    continue
                url = re.sub(r"{([^}]+)}", lambda m, v=values: str(v[m.group(1)]), route)
                for method, op in item.items():
                    kwargs = dict(auth)
                    body = op.get("requestBody", {}).get("content", {}).get("application/json")
                    if body:
                        kwargs.update(data=example(body["schema"], schema), content_type="application/json")
                    r = getattr(client, method)(url, **kwargs)
                    count += 1
                    if r.status_code not in ALLOWED_API:
                        problems.append(f"API {method.upper()} {url}: {r.status_code}")
                    leaked = [m for m in w.markers if m in _body(r)]
                    if leaked:
                        problems.append(f"API {method.upper()} {url}: shows {leaked[:3]}")
    return problems, count


def attacker_client(w) -> Client:
    client = Client(raise_request_exception=False)
    assert client.login(username="angriper", password=PASSWORD)
    return client


# ------------------------------------------------------------ tests
def test_demo_has_every_org_owned_model(world):
    labels = {m._meta.label for m in OWNED}
    assert {"accounts.Membership", "accounts.Invitation"} <= labels
    assert world.demo_ids


def test_every_url_refuses_another_organisation(world):
    client = attacker_client(world)
    before = snapshot(world.demo)
    problems, count = walk_urls(client, world)
    assert count > 20
    assert not problems, "\n".join(problems)
    assert snapshot(world.demo) == before, "a request from another organisation changed demo data"


def test_every_api_operation_refuses_another_organisation(world):
    client = Client()
    before = snapshot(world.demo)
    problems, count = walk_api(client, world)
    assert count >= 2
    assert not problems, "\n".join(problems)
    assert snapshot(world.demo) == before


def test_anonymous_gets_nothing(world):
    client = Client()
    problems, _count = walk_urls(client, world)
    # Anonymous users are sent to the login page (302) instead of 403/404: fine, as long as no data shows.
    assert not [p for p in problems if "shows" in p], problems
    r = client.get(f"/api/orgs/{world.demo.slug}/")
    assert r.status_code == 401


# A deliberately unscoped view and API operation, to prove the walk catches them.
def _leaky_view(request, slug):
    from django.http import HttpResponse

    return HttpResponse(Organisation.objects.get(slug=slug).name)


def _leaky_urlconf():
    from ninja import NinjaAPI

    leaky_api = NinjaAPI(urls_namespace="leaky_api", auth=None)

    @leaky_api.get("/orgs/{slug}/navn/")
    def leaky_operation(request, slug: str):
        return {"name": Organisation.objects.get(slug=slug).name}

    module = types.ModuleType("tests_leaky_urls")
    module.urlpatterns = [
        *get_resolver().url_patterns,
        path("org/<slug:slug>/lekk/", _leaky_view),
        path("lekk-api/", leaky_api.urls),
    ]
    sys.modules["tests_leaky_urls"] = module
    return "tests_leaky_urls"


def test_walker_catches_unscoped_view(world):
    name = _leaky_urlconf()
    try:
        with override_settings(ROOT_URLCONF=name):
            problems, _n = walk_urls(attacker_client(world), world)
            assert any("/org/lorenskog-demo/lekk/" in p for p in problems), problems
            api_problems, _n = walk_api(Client(), world, schema_urls=("/lekk-api/openapi.json",))
            assert any("/lekk-api/orgs/lorenskog-demo/navn/" in p for p in api_problems), api_problems
    finally:
        sys.modules.pop(name, None)
