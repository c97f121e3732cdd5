from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from reentrykit.coalitions.services import coalition_create, coalition_update
from reentrykit.testing import World


def test_it_refuses_a_coalition_name_of_only_spaces(db: None) -> None:
    with pytest.raises(ValidationError) as raised:
        coalition_create(slug="blank", name="  \t ")
    assert "name" in raised.value.message_dict


def test_it_refuses_renaming_a_coalition_to_spaces_and_strips_a_padded_name(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        coalition_update(coalition=world.coalition, name="   ")
    assert "name" in raised.value.message_dict
    world.coalition.refresh_from_db()
    assert world.coalition.name == "Riverton County Reentry Coalition"
    coalition_update(coalition=world.coalition, name="  Riverton Reentry  ")
    world.coalition.refresh_from_db()
    assert world.coalition.name == "Riverton Reentry"
