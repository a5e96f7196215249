"""Accounts: login and throttling, organisation pages, roles, invitations, demo, commands."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gevinst.accounts.models import Invitation, LoginAttempt, Membership, Organisation, Role
from gevinst.accounts.tokens import create_invitation, hash_token

pytestmark = pytest.mark.django_db
PASSWORD = "Sv4rt-hemmelig-passord"


def make_user(username, org=None, role=Role.LESER, email=""):
    user = get_user_model().objects.create_user(username, email or f"{username}@example.no", PASSWORD)
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def org():
    return Organisation.objects.create(name="Nittedal kommune", slug="nittedal", region="3233")


def login_post(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# ------------------------------------------------------------------ login
def test_login_page_in_bokmal(client):
    r = client.get(reverse("accounts:login"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "Logg inn" in body and 'for="id_username"' in body and 'for="id_password"' in body


def test_login_and_logout(client, org):
    make_user("kari", org, Role.REDAKTOR)
    r = login_post(client, "kari", PASSWORD)
    assert r.status_code == 302 and r.url == reverse("accounts:home")
    r = client.get(reverse("accounts:home"))
    assert "Nittedal kommune" in r.content.decode()
    assert client.get(reverse("accounts:logout")).status_code == 405  # logout only by POST
    r = client.post(reverse("accounts:logout"))
    assert r.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 302


def test_passwords_hashed_with_argon2(org):
    user = make_user("kari", org)
    assert user.password.startswith("argon2")


def test_wrong_password_shows_error_summary(client, org):
    make_user("kari", org)
    r = login_post(client, "kari", "feil")
    body = r.content.decode()
    assert r.status_code == 200
    assert "Skjemaet har feil" in body and "Feil brukernavn eller passord" in body
    assert LoginAttempt.objects.count() == 1


def test_sixth_attempt_refused_even_with_right_password(client, org):
    user = make_user("kari", org)
    for _ in range(5):
        login_post(client, "kari", "feil")
    assert LoginAttempt.objects.count() == 5
    sessions_before = Session.objects.count()
    r = login_post(client, "kari", PASSWORD)
    body = r.content.decode()
    assert r.status_code == 200
    assert "For mange mislykkede forsøk. Prøv igjen om 15 minutter." in body
    user.refresh_from_db()
    assert user.last_login is None
    assert Session.objects.count() == sessions_before  # no session was logged in
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.count() == 5  # a refused attempt is not recorded


def test_throttle_shared_through_database_and_expires(client, org):
    """The count lives in the database (all server processes see it) and ends after the window."""
    make_user("kari", org)
    old = timezone.now() - timedelta(minutes=16)
    for _ in range(5):
        LoginAttempt.objects.create(username="kari", ip="127.0.0.1")
    assert "For mange" in login_post(client, "kari", PASSWORD).content.decode()
    LoginAttempt.objects.update(created_at=old)
    r = login_post(client, "kari", PASSWORD)
    assert r.status_code == 302
    assert LoginAttempt.objects.filter(username="kari").count() == 0  # success clears the key


def test_throttle_minutes_count_down(client, org):
    make_user("kari", org)
    for _ in range(5):
        LoginAttempt.objects.create(username="kari", ip="127.0.0.1")
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=14, seconds=30))
    assert "Prøv igjen om 1 minutt." in login_post(client, "kari", PASSWORD).content.decode()


def test_throttle_is_per_username(client, org):
    make_user("kari", org)
    make_user("ola", org)
    for _ in range(5):
        login_post(client, "kari", "feil")
    assert login_post(client, "ola", PASSWORD).status_code == 302


# ----------------------------------------------------------- organisation pages
def test_org_home_for_members_only(client, org):
    other = Organisation.objects.create(name="Rælingen kommune", slug="ralingen", region="3230")
    make_user("kari", org, Role.LESER)
    client.login(username="kari", password=PASSWORD)
    r = client.get(reverse("accounts:org", args=["nittedal"]))
    body = r.content.decode()
    assert r.status_code == 200
    assert "Nittedal kommune" in body and reverse("regions:detail", args=["3233"]) in body
    assert "kari@example.no" not in body  # members list is for administrators
    assert reverse("plans:home", kwargs={"slug": "nittedal"}) in body  # the way to the plan
    assert client.get(reverse("accounts:org", args=["ralingen"])).status_code == 404
    assert client.get(reverse("accounts:org", args=["finnes-ikke"])).status_code == 404
    assert "Rælingen" not in client.get(reverse("accounts:home")).content.decode()
    assert other.pk


def test_org_home_anonymous_redirects_to_login(client, org):
    r = client.get(reverse("accounts:org", args=["nittedal"]))
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:login"))


def test_admin_sees_members_on_org_home(client, org):
    make_user("anne", org, Role.ADMINISTRATOR)
    make_user("kari", org, Role.LESER)
    client.login(username="anne", password=PASSWORD)
    body = client.get(reverse("accounts:org", args=["nittedal"])).content.decode()
    assert "kari@example.no" in body and "Leser" in body


def test_user_menu_lists_organisations(client, org):
    make_user("kari", org)
    client.login(username="kari", password=PASSWORD)
    body = client.get(reverse("regions:list")).content.decode()
    assert 'aria-label="Brukermeny"' in body and "Nittedal kommune" in body and "Logg ut kari" in body


# ---------------------------------------------------------------------- roles
def test_role_changes_only_by_admins(client, org):
    make_user("anne", org, Role.ADMINISTRATOR)
    make_user("rita", org, Role.REDAKTOR)
    kari = make_user("kari", org, Role.LESER)
    m = Membership.objects.get(user=kari)
    client.login(username="rita", password=PASSWORD)
    assert client.get(reverse("accounts:members", args=["nittedal"])).status_code == 403
    url = reverse("accounts:member_role", args=["nittedal", m.pk])
    assert client.post(url, {f"m{m.pk}-role": Role.ADMINISTRATOR}).status_code == 403
    assert client.post(reverse("accounts:member_remove", args=["nittedal", m.pk])).status_code == 403
    m.refresh_from_db()
    assert m.role == Role.LESER

    client.login(username="anne", password=PASSWORD)
    assert client.get(reverse("accounts:members", args=["nittedal"])).status_code == 200
    r = client.post(url, {f"m{m.pk}-role": Role.GEVINSTEIER}, follow=True)
    m.refresh_from_db()
    assert m.role == Role.GEVINSTEIER
    assert "kari har nå rollen Gevinsteier" in r.content.decode()
    client.post(reverse("accounts:member_remove", args=["nittedal", m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()


def test_last_administrator_cannot_be_demoted_or_removed(client, org):
    anne = make_user("anne", org, Role.ADMINISTRATOR)
    m = Membership.objects.get(user=anne)
    client.login(username="anne", password=PASSWORD)
    r = client.post(reverse("accounts:member_role", args=["nittedal", m.pk]), {f"m{m.pk}-role": Role.LESER}, follow=True)
    assert "minst én administrator" in r.content.decode()
    client.post(reverse("accounts:member_remove", args=["nittedal", m.pk]))
    m.refresh_from_db()
    assert m.role == Role.ADMINISTRATOR


def test_admin_cannot_touch_membership_of_another_org(client, org):
    other = Organisation.objects.create(name="Rælingen kommune", slug="ralingen", region="3230")
    make_user("anne", org, Role.ADMINISTRATOR)
    per = make_user("per", other, Role.LESER)
    m = Membership.objects.get(user=per)
    client.login(username="anne", password=PASSWORD)
    # Own slug with the other organisation's membership id: 404, nothing changed.
    r = client.post(reverse("accounts:member_role", args=["nittedal", m.pk]), {f"m{m.pk}-role": Role.ADMINISTRATOR})
    assert r.status_code == 404
    assert client.post(reverse("accounts:member_remove", args=["nittedal", m.pk])).status_code == 404
    m.refresh_from_db()
    assert m.role == Role.LESER


# ---------------------------------------------------------------- invitations
def test_invite_sends_one_time_link_by_email(client, org):
    make_user("anne", org, Role.ADMINISTRATOR)
    client.login(username="anne", password=PASSWORD)
    r = client.post(reverse("accounts:members", args=["nittedal"]), {"email": "ny@example.no", "role": Role.REDAKTOR})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["ny@example.no"] and "Nittedal kommune" in msg.subject
    link = next(line for line in msg.body.splitlines() if "/invitasjon/" in line)
    token = link.rsplit("/invitasjon/", 1)[1].strip("/")
    inv = Invitation.objects.get()
    assert inv.token_hash == hash_token(token) and token not in inv.token_hash  # only the hash is stored

    client.post(reverse("accounts:logout"))
    url = reverse("accounts:invitation", args=[token])
    assert client.get(url).status_code == 200
    r = client.post(url, {"username": "nyansatt", "password1": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 302 and r.url == reverse("accounts:org", args=["nittedal"])
    user = get_user_model().objects.get(username="nyansatt")
    assert user.email == "ny@example.no"
    assert Membership.objects.get(user=user, organisation=org).role == Role.REDAKTOR

    # Single use: the same link again is refused and creates nothing.
    client.post(reverse("accounts:logout"))
    r = client.post(url, {"username": "inntrenger", "password1": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 404 and "allerede brukt" in r.content.decode()
    assert not get_user_model().objects.filter(username="inntrenger").exists()


def test_invitation_expires(client, org):
    _inv, token = create_invitation(org, "sen@example.no", Role.LESER)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    url = reverse("accounts:invitation", args=[token])
    assert client.get(url).status_code == 404
    r = client.post(url, {"username": "sen", "password1": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 404
    assert not get_user_model().objects.filter(username="sen").exists()


def test_invitation_attaches_logged_in_user(client, org):
    other = Organisation.objects.create(name="Rælingen kommune", slug="ralingen", region="3230")
    make_user("per", other, Role.LESER)
    _inv, token = create_invitation(org, "per@example.no", Role.GEVINSTEIER)
    client.login(username="per", password=PASSWORD)
    url = reverse("accounts:invitation", args=[token])
    assert "Godta invitasjonen" in client.get(url).content.decode()
    r = client.post(url)
    assert r.status_code == 302
    assert Membership.objects.get(user__username="per", organisation=org).role == Role.GEVINSTEIER
    assert client.post(url).status_code == 404


def test_invitation_form_errors_are_summarised(client, org):
    _inv, token = create_invitation(org, "x@example.no")
    r = client.post(reverse("accounts:invitation", args=[token]), {"username": "x", "password1": "a", "password2": "b"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "Skjemaet har feil" in body and 'href="#id_password2"' in body
    assert Invitation.objects.get().used_at is None


def test_unknown_invitation_token(client):
    assert client.get(reverse("accounts:invitation", args=["tull"])).status_code == 404


# ------------------------------------------------------------------ commands
def test_createorg_and_invite_commands(org):
    out = StringIO()
    call_command("createorg", "Lørenskog kommune", "--region", "3222", stdout=out)
    new = Organisation.objects.get(slug="lorenskog-kommune")
    assert new.region == "3222" and new.name == "Lørenskog kommune"
    out = StringIO()
    call_command("invite", "lorenskog-kommune", "a@example.no", "--role", "redaktor", stdout=out)
    link = out.getvalue().strip()
    assert "/invitasjon/" in link
    inv = Invitation.objects.get(organisation=new)
    assert inv.role == Role.REDAKTOR and inv.token_hash == hash_token(link.rsplit("/", 2)[-2])


def test_ensure_demo_is_idempotent(monkeypatch):
    from gevinst.accounts.demo import DEV_DEMO_PASSWORD, ensure_demo

    monkeypatch.delenv("GEVINST_DEMO_PASSWORD", raising=False)
    org, username, password = ensure_demo()
    again, _u, _p = ensure_demo()
    assert org.pk == again.pk and org.is_demo and org.region == "3222" and org.slug == "lorenskog-demo"
    assert org.name == "Lørenskog kommune (eksempel)"
    assert password == DEV_DEMO_PASSWORD
    user = get_user_model().objects.get(username=username)
    assert user.check_password(password)
    assert Membership.objects.get(user=user, organisation=org).role == Role.REDAKTOR
    assert Organisation.objects.filter(slug="lorenskog-demo").count() == 1


def test_demo_password_from_env_and_never_default_in_production(monkeypatch, settings):
    from django.core.exceptions import ImproperlyConfigured

    from gevinst.accounts.demo import ensure_demo

    monkeypatch.setenv("GEVINST_DEMO_PASSWORD", "Et-annet-demo-passord")
    _org, _u, password = ensure_demo()
    assert password == "Et-annet-demo-passord"
    monkeypatch.delenv("GEVINST_DEMO_PASSWORD")
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        ensure_demo()


def test_demo_command_prints_login(monkeypatch):
    monkeypatch.delenv("GEVINST_DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("demo", stdout=out)
    assert "Demo-innlogging: demo / lorenskog-eksempel" in out.getvalue()
