"""A store opened under another master key (changed, or lost and regenerated) says so,
rather than calling the store busy and asking to try again in a minute."""

from __future__ import annotations

from pathlib import Path

import pytest

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.testing import World

RELEASES = (
    "source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    "J1,Annabelle,Leeward,1990-01-02,2023-02-01,jail\n"
)


@pytest.mark.parametrize("write", [False, True])
def test_a_store_under_another_master_key_names_the_key(
    world: World, tmp_path: Path, settings, write: bool
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.csv"
    path.write_text(RELEASES)
    assert import_file(coalition=world.coalition, kind="releases", source_name="Jail", path=path).ok
    settings.MASTER_KEY = "another-master-key-of-at-least-32-characters"
    with (
        pytest.raises(store.StoreError, match="REENTRYKIT_MASTER_KEY") as raised,
        store.open_store(world.coalition.pk, write=write),
    ):
        pass
    assert "busy" not in str(raised.value)
