"""A saved peer set is usable where a peer choice exists: ``gevinst baseline REGION --peers set:NAME``."""

from __future__ import annotations

import pytest

from gevinst.baselines.service import peer_groups
from gevinst.benchlearning.models_peers import PeerSet
from gevinst.errors import UserError


@pytest.mark.django_db
def test_set_name_resolves_to_members():
    PeerSet.objects.create(name="Nabolaget", region="3222", members=["3205", "3224"], variables={})
    groups, _notes = peer_groups("3222", 2024, "set:Nabolaget")
    assert groups["custom"] == ["3205", "3224"]
    assert {"kostra", "county", "country"} <= set(groups)


@pytest.mark.django_db
def test_unknown_set_is_a_bokmal_user_error():
    with pytest.raises(UserError) as exc:
        peer_groups("3222", 2024, "set:Finnes ikke")
    assert "Fant ikke sammenligningssettet «Finnes ikke»" in exc.value.message
