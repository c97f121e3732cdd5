"""The instrument files: the shipped one is valid, and broken ones fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from reentrykit.assessment import services
from reentrykit.assessment.instrument import (
    InstrumentError,
    check_all_instruments,
    load_instrument,
    load_instrument_file,
)
from reentrykit.assessment.templatetags.assessment_tags import TOOL_PAGES
from reentrykit.assessment.tests.conftest import FIXTURE_INSTRUMENTS
from reentrykit.coalitions.sectors import Sector

EXPECTED_COMPONENTS = [
    "1.1",
    "1.2",
    "1.3",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "2.5",
    "3.1",
    "3.2",
    "3.3",
    "3.4",
]


def test_it_ships_a_valid_instrument_with_the_toolkit_structure() -> None:
    instrument = load_instrument("1")
    assert [section.key for section in instrument.sections] == ["1", "2", "3"]
    assert [component.key for component in instrument.components()] == EXPECTED_COMPONENTS
    for component in instrument.components():
        assert 3 <= len(component.items) <= 6, component.key
        assert component.tools_for_change, component.key
        # Each activity it names has a page to link to.
        assert set(component.tools_for_change) <= set(TOOL_PAGES), component.key
        for item in component.items:
            assert all(item.levels) and item.guidance and item.questions and item.evidence
            assert set(item.sectors) <= set(Sector.values)
    assert check_all_instruments() == []


def _write(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load((FIXTURE_INSTRUMENTS / "rpca-t1.yaml").read_text())
    mutate(data)
    path = tmp_path / "rpca-t1.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _item(data, key):  # type: ignore[no-untyped-def]
    for section in data["sections"]:
        for component in section["components"]:
            for item in component["items"]:
                if item["key"] == key:
                    return item
    raise KeyError(key)


def test_it_names_the_file_and_item_of_a_missing_level(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda data: _item(data, "1.2.b")["levels"].pop(2))
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(path)
    assert str(caught.value) == "rpca-t1.yaml: item 1.2.b, levels: missing level 2"


def test_it_refuses_a_duplicate_item_key(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda data: _item(data, "1.1.c").update(key="1.1.b"))
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(path)
    assert "rpca-t1.yaml: item 1.1.b: duplicate item key" in str(caught.value)


def test_it_refuses_an_unknown_sector(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda data: _item(data, "2.1.a")["sectors"].append("wizards"))
    with pytest.raises(InstrumentError, match=r"item 2\.1\.a: unknown sector 'wizards'"):
        load_instrument_file(path)


def test_it_refuses_an_undeclared_data_indicator(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda data: _item(data, "1.1.a").update(data_indicator="x.y"))
    with pytest.raises(InstrumentError, match=r"item 1\.1\.a: data indicator 'x\.y'"):
        load_instrument_file(path)


def test_it_refuses_a_component_with_too_few_items(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda data: data["sections"][1]["components"][0]["items"].pop())
    with pytest.raises(InstrumentError, match=r"component 2\.1, items: a component needs 3 to 6"):
        load_instrument_file(path)


def test_it_refuses_a_key_written_twice_in_one_mapping(tmp_path: Path) -> None:
    text = (FIXTURE_INSTRUMENTS / "rpca-t1.yaml").read_text()
    path = tmp_path / "rpca-t1.yaml"
    path.write_text(text.replace("title: Test instrument", "title: Test instrument\ntitle: Again"))
    with pytest.raises(
        InstrumentError, match=r"rpca-t1\.yaml: not valid YAML.*'title' appears twice"
    ):
        load_instrument_file(path)


def test_it_keeps_a_used_version_immutable(tmp_path: Path, world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASSESSMENT_INSTRUMENT_DIR = tmp_path
    _write(tmp_path, lambda data: None)
    round_ = services.round_open(coalition=world.coalition, name="First")
    _write(tmp_path, lambda data: _item(data, "1.1.a").update(statement="Reworded."))
    with pytest.raises(ValidationError, match="has changed since rounds started using version t1"):
        services.round_open(coalition=world.coalition, name="Second")
    with pytest.raises(InstrumentError, match="has changed"):
        services.instrument_version_check(instrument=load_instrument("t1"))
    # The round keeps reading the version it was opened with.
    round_.refresh_from_db()
    assert round_.instrument.item("1.1.a").statement == "Practice 1.1.a happens."
