"""Pages: similar municipalities (chart, table, stability, saving a set with CSRF) and networks."""

from __future__ import annotations

import pytest
from django.test import Client

from gevinst.benchlearning.models_peers import PeerSet

pytestmark = pytest.mark.django_db


def test_peers_page_defaults(bundled_db, client):
    r = client.get("/region/3222/lignende/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'role="img"' in html and 'class="peer-seg peer-seg-0' in html
    assert "3205 Lillestrøm" in html and "Stabilitet" in html
    assert "Bosettingsmønster finnes ikke" in html
    assert "0,26" in html  # Norwegian decimal comma


def test_peers_page_choices_and_errors(bundled_db, client):
    r = client.get("/region/3222/lignende/", {"variables": ["population", "need"], "weights": "2,1", "n": "5"})
    assert r.status_code == 200 and "67 %" in r.content.decode()
    bad = client.get("/region/3222/lignende/", {"variables": ["population", "need"], "weights": "1,2,3"})
    assert bad.status_code == 400 and "2 variabler" in bad.content.decode()
    assert client.get("/region/3222/lignende/", {"n": "0"}).status_code == 400
    assert client.get("/region/9999/lignende/").status_code == 404


def test_save_needs_csrf_and_stores_once(bundled_db):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/region/3222/lignende/lagre/", {"name": "X"}).status_code == 403
    c = Client()
    r = c.post("/region/3222/lignende/lagre/", {"name": "Mine naboer", "variables": "population,need", "weights": "", "n": "4"})
    assert r.status_code == 302
    ps = PeerSet.objects.get(name="Mine naboer")
    assert ps.region == "3222" and len(ps.members) == 4
    page = c.get(r["Location"]).content.decode()
    assert "er lagret" in page and "Mine naboer" in page
    dup = c.post("/region/3222/lignende/lagre/", {"name": "Mine naboer", "n": "4"})
    assert dup.status_code == 400 and "finnes allerede" in dup.content.decode()
    assert PeerSet.objects.count() == 1
    assert c.post("/region/3222/lignende/lagre/", {"name": ""}).status_code == 400


def test_network_page(bundled_db, client):
    r = client.get("/nettverk/", {"members": "3222,3205,3220,3224,0301,3201,3203,3207,3209", "size": "4-5"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Nettverk 1" in html and "Nettverk 2" in html and "Løst eksakt" in html
    assert "Hvem kan lære hva av hvem" in html
    bad = client.get("/nettverk/", {"members": "3222,3205,3220", "size": "4-6"})
    assert bad.status_code == 400 and "kan ikke deles" in bad.content.decode()
    assert client.get("/nettverk/", {"members": "3222,9999"}).status_code == 400
    assert client.get("/nettverk/").status_code == 200
