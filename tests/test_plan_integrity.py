"""Integrity: audit trail with before/after, lost-update refusal, soft delete and restore."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gevinst.plans import audit, testing
from gevinst.plans.models import AuditEvent, Benefit

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(db):
    org = testing.org()
    ed = testing.user("kari", org)
    ini = testing.initiative(org, ed)
    b = testing.benefit(ini, ed, name="Færre kjøreminutter")
    return org, ed, ini, b


def test_audit_trail_has_who_when_before_after(setup):
    org, ed, ini, b = setup
    b.target_value = 8.0
    audit.save(b, ed, expected_version=1)
    events = list(AuditEvent.objects.filter(model="benefit", object_id=b.pk).order_by("id"))
    assert [e.action for e in events] == ["create", "update"]
    upd = events[1]
    assert upd.user == ed and upd.actor == "kari" and upd.at is not None
    assert upd.before["target_value"] == 9.0 and upd.after["target_value"] == 8.0
    assert upd.before["version"] == 1 and upd.after["version"] == 2
    assert audit.changed_fields(upd.before, upd.after) == ["target_value"]


def test_stale_version_is_refused_and_nothing_written(setup):
    org, ed, ini, b = setup
    first = Benefit.objects.get(pk=b.pk)
    second = Benefit.objects.get(pk=b.pk)
    first.target_value = 8.0
    audit.save(first, ed, expected_version=1)
    second.target_value = 7.0
    with pytest.raises(audit.StaleVersion) as exc:
        audit.save(second, ed, expected_version=1)
    assert exc.value.current.target_value == 8.0
    assert Benefit.objects.get(pk=b.pk).target_value == 8.0
    assert AuditEvent.objects.filter(model="benefit", object_id=b.pk).count() == 2


def test_two_users_editing_the_same_benefit_in_the_browser_forms(client, setup):
    org, ed, ini, b = setup
    other = testing.user("ola", org)
    url = reverse("plans:benefit_edit", kwargs={"slug": org.slug, "pk": b.pk})
    client.force_login(ed)
    form = client.get(url).context["form"]
    base = {k: v for k, v in form.initial.items() if v is not None and k != "intermediate_targets"}
    assert base["version"] == 1
    # Ola saves first
    from django.test import Client

    ola = Client()
    ola.force_login(other)
    r = ola.post(url, {**base, "target_value": "8"})
    assert r.status_code == 302
    # Kari's save, from the version she opened, is refused; her values are kept in the form
    r = client.post(url, {**base, "target_value": "7,5", "name": "Kortere kjøretid"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Noen andre har endret denne gevinsten siden du åpnet den. Dine endringer er ikke lagret" in html
    assert "Sist endret av ola" in html
    assert "Kortere kjøretid" in html and "Færre kjøreminutter" in html  # both versions shown
    stored = Benefit.objects.get(pk=b.pk)
    assert stored.target_value == 8.0 and stored.name == "Færre kjøreminutter" and stored.version == 2
    # saving again (the form now carries the current version) overwrites knowingly
    r = client.post(url, {**base, "version": r.context["form"].data["version"], "target_value": "7,5",
                          "name": "Kortere kjøretid"})
    assert r.status_code == 302
    assert Benefit.objects.get(pk=b.pk).target_value == 7.5


def test_deleted_benefit_listed_and_restored(client, setup):
    org, ed, ini, b = setup
    client.force_login(ed)
    r = client.post(reverse("plans:benefit_delete", kwargs={"slug": org.slug, "pk": b.pk}))
    assert r.status_code == 302
    assert not Benefit.objects.live().filter(pk=b.pk).exists()
    assert client.get(reverse("plans:benefit", kwargs={"slug": org.slug, "pk": b.pk})).status_code == 404
    page = client.get(reverse("plans:deleted", kwargs={"slug": org.slug})).content.decode()
    assert "Færre kjøreminutter" in page and "Gjenopprett" in page
    r = client.post(reverse("plans:restore", kwargs={"slug": org.slug, "kind": "benefit", "pk": b.pk}))
    assert r.status_code == 302
    restored = Benefit.objects.live().get(pk=b.pk)
    assert restored.name == "Færre kjøreminutter" and restored.target_value == 9.0
    actions = list(AuditEvent.objects.filter(model="benefit", object_id=b.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["create", "delete", "restore"]
    history = client.get(reverse("plans:history", kwargs={"slug": org.slug}) + f"?type=benefit&id={b.pk}").content.decode()
    assert "gjenopprettet" in history and "slettet" in history and "deleted_at" in history


def test_reader_cannot_restore(client, setup):
    org, ed, ini, b = setup
    audit.soft_delete(b, ed)
    reader = testing.user("leser", org, "leser")
    client.force_login(reader)
    r = client.post(reverse("plans:restore", kwargs={"slug": org.slug, "kind": "benefit", "pk": b.pk}))
    assert r.status_code == 403
    assert Benefit.objects.deleted().filter(pk=b.pk).exists()
