"""Similar municipalities: the distance, its breakdown, stability, and agreement with the KOSTRA groups."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest
from django.core.management import CommandError, call_command

from gevinst.benchlearning import peers as service
from gevinst.benchlearning.models_peers import PeerSet
from gevinst.core import similarity as core
from gevinst.errors import UserError


def _toy() -> pl.DataFrame:
    return pl.DataFrame({"region": ["a", "b", "c", "d"], "x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 0.0, 10.0, 10.0]})


def test_standardise_z_and_robust():
    std = core.standardise(_toy(), ["x", "y"])
    assert std["x"].mean() == pytest.approx(0) and std["x"].std() == pytest.approx(1)
    rob = core.standardise(_toy(), ["x"], "robust")
    # median 1.5, MAD 1 → scale 1.4826
    assert rob["x"].to_list()[0] == pytest.approx(-1.5 / 1.4826)
    const = core.standardise(_toy().with_columns(pl.lit(5.0).alias("x")), ["x"])
    assert const["x"].to_list() == [0, 0, 0, 0]


def test_distance_by_hand_and_breakdown_sums():
    std = pl.DataFrame({"region": ["t", "p", "q"], "x": [0.0, 3.0, 1.0], "y": [0.0, 4.0, 0.0]})
    w = core.normalise_weights(["x", "y"], {"x": 1, "y": 3})
    assert w == {"x": 0.25, "y": 0.75}
    d = core.distances(std, "t", w)
    assert d["region"].to_list() == ["q", "p"]
    assert d.filter(pl.col("region") == "p")["distance"][0] == pytest.approx(math.sqrt(0.25 * 9 + 0.75 * 16))
    bd = core.breakdown(std, "t", w, ["p", "q"])
    for region, dist in d.select("region", "distance").iter_rows():
        part = bd.filter(pl.col("region") == region)
        assert part["contribution"].sum() == pytest.approx(dist ** 2)
        assert part["share"].sum() == pytest.approx(1)
        assert part["part"].sum() == pytest.approx(dist)


def test_stability_is_seeded_and_bounded():
    rng = np.random.default_rng(1)
    std = pl.DataFrame({"region": [f"r{i}" for i in range(40)], "x": rng.normal(size=40), "y": rng.normal(size=40)})
    w = core.normalise_weights(["x", "y"], None)
    a, ja = core.stability(std, "r0", w, 5, spread=0.5, draws=100, seed=3)
    b, jb = core.stability(std, "r0", w, 5, spread=0.5, draws=100, seed=3)
    assert a.equals(b) and ja == jb
    assert 0 < ja <= 1
    assert a.filter(pl.col("base")).height == 5
    assert a["inclusion"].is_between(0, 1).all()
    zero, j0 = core.stability(std, "r0", w, 5, spread=0.0, draws=10)
    assert j0 == 1 and zero["inclusion"].to_list() == [1.0] * 5


def test_group_agreement_perfect_clusters():
    std = pl.DataFrame({"region": list("abcdef"), "x": [0.0, 0.1, 0.2, 10.0, 10.1, 10.2]})
    groups = pl.DataFrame({"region": list("abcdef"), "group": ["g"] * 3 + ["h"] * 3})
    res = core.group_agreement(std, {"x": 1.0}, 2, groups)
    assert res["rate"] == 1.0 and res["chance"] == pytest.approx(12 / 30)


# ------------------------------------------------------------------ on the bundled data
def test_structure_covers_all_municipalities():
    f = service.structure_frame(["population", "centrality", "need", "age_67p"])
    assert f.height == 357
    assert f.filter(pl.col("region") == "3222")["name"][0] == "Lørenskog"
    # only two lack a 2026 need index (both missing in Grønt hefte's table A-k)
    assert f["need"].null_count() <= 2


def test_default_neighbours_share_the_kostra_group_far_more_often_than_chance():
    res = service.kostra_agreement(n=10)
    # measured: 35.8 % of the 10 nearest neighbours share the KOSTRA group; chance 7.8 % (lift ≈ 4.6)
    assert res["regions"] >= 350
    assert res["chance"] == pytest.approx(0.078, abs=0.005)
    assert res["rate"] > 0.30
    assert res["lift"] > 4


@pytest.mark.django_db
def test_lorenskog_peers_and_breakdown():
    r = service.find_peers("3222")
    assert r.peers.height == 10 and r.candidates >= 350
    assert r.peers["region"][0] == "3205"  # Lillestrøm is nearest with the defaults
    assert r.peers["distance"].is_sorted()
    for region, dist in r.peers.select("region", "distance").iter_rows():
        assert r.breakdown.filter(pl.col("region") == region)["part"].sum() == pytest.approx(dist)
    assert r.peers["inclusion"].is_between(0, 1).all()
    assert 0 < r.mean_jaccard <= 1


@pytest.mark.django_db
def test_bad_input_is_a_bokmal_error():
    with pytest.raises(UserError, match="Ukjent variabel"):
        service.find_peers("3222", "population,fjellhøyde")
    with pytest.raises(UserError, match="vekter"):
        service.find_peers("3222", "population,need", "1,2,3")
    with pytest.raises(UserError, match="tall"):
        service.find_peers("3222", "population,need", "en,to")
    with pytest.raises(UserError, match="Antallet"):
        service.find_peers("3222", n=0)
    with pytest.raises(UserError):
        service.find_peers("9999")


@pytest.mark.django_db
def test_weights_by_name_change_the_order():
    a = service.find_peers("3222", "population,centrality", "population=10,centrality=1")
    assert a.weights["population"] == pytest.approx(10 / 11)


@pytest.mark.django_db
def test_cli_formats_and_save(capsys):
    call_command("peers", "3222", "--n", "5", "--format", "json")
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["peers"]) == 5 and doc["variables"] == list(service.DEFAULT_VARIABLES)
    first = doc["peers"][0]
    assert sum(v["part_of_distance"] for v in first["breakdown"].values()) == pytest.approx(first["distance"])
    call_command("peers", "3222", "--n", "5", "--format", "csv")
    assert capsys.readouterr().out.splitlines()[0].startswith("rang,kommunenummer")
    call_command("peers", "3222", "--n", "4", "--save", "Lørenskogs fire")
    out = capsys.readouterr()
    assert "Lillestrøm" in out.out and "Lagret" in out.err
    ps = PeerSet.objects.get(name="Lørenskogs fire")
    assert ps.region == "3222" and len(ps.members) == 4 and ps.variables["n"] == 4
    with pytest.raises(CommandError, match="finnes allerede"):
        call_command("peers", "3222", "--save", "Lørenskogs fire")
    assert PeerSet.objects.count() == 1
    # usable by the baseline
    call_command("baseline", "3222", "--peers", "set:Lørenskogs fire", "--format", "json")
    assert "custom" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Fant ikke"):
        call_command("baseline", "3222", "--peers", "set:nei")
