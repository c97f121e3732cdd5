"""The command line, an interface other tools rely on: names, options and JSON shapes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reentrykit.assessment.models import Respondent, Response, Round
from reentrykit.assessment.tests.conftest import HAND_WORKED_RESULTS, hand_worked_csv
from reentrykit.core.models import AuditEntry
from reentrykit.testing import World


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("assessment", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_prints_the_instrument_as_json(db: None) -> None:
    data = json.loads(run("instrument", "--format", "json"))
    assert set(data) == {"version", "sections"}
    assert data["version"] == "1"
    assert [section["key"] for section in data["sections"]] == ["1", "2", "3"]
    section = data["sections"][0]
    assert set(section) == {"key", "title", "components"}
    assert section["title"] == "Driving Systems Change"
    component = section["components"][0]
    assert set(component) == {"key", "title", "items"}
    assert component["key"] == "1.1"
    assert set(component["items"][0]) == {"key", "statement"}
    assert component["items"][0]["key"] == "1.1.a"


def test_it_prints_a_chosen_version_and_refuses_an_unknown_one(
    db: None, test_instrument: Path
) -> None:
    assert json.loads(run("instrument", "--version", "t1", "--format", "json"))["version"] == "t1"
    with pytest.raises(CommandError, match=r"There is no instrument version '9' \(known: t1\)"):
        run("instrument", "--version", "9", "--format", "json")


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "responses.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_runs_a_round_from_the_command_line(
    world: World, test_instrument: Path, tmp_path: Path
) -> None:
    assert run("open-round", "--coalition", "riverton", "--name", "Baseline").strip() == "Baseline"
    round_ = Round.objects.get(coalition=world.coalition, name="Baseline")
    assert round_.instrument_version.version == "t1"
    assert round_.is_open

    run(
        "import-responses",
        "--coalition",
        "riverton",
        "--round",
        "Baseline",
        _csv(tmp_path, hand_worked_csv(world)),
    )
    assert Response.objects.filter(round=round_).count() == 25
    sectors = dict(Respondent.objects.filter(round=round_).values_list("user__email", "sector"))
    assert sectors == {
        "coordinator@riverton.test": "jail_administration",
        "member@riverton.test": "community_reentry",
        "steward@riverton.test": "jail_administration",
        "viewer@riverton.test": "other",  # no organization
    }
    assert AuditEntry.objects.filter(model="assessment.Response", via="cli").count() == 25

    from reentrykit.assessment.services import consensus_record

    consensus_record(round_=round_, item_key="1.2.a", rating=2)
    run("close-round", "--coalition", "riverton", "--round", "Baseline")
    round_.refresh_from_db()
    assert not round_.is_open and round_.closed_at is not None

    results = json.loads(
        run("results", "--coalition", "riverton", "--round", "Baseline", "--format", "json")
    )
    assert results == HAND_WORKED_RESULTS


def test_it_rejects_a_file_with_bad_rows_and_writes_nothing(
    world: World, test_instrument: Path, tmp_path: Path
) -> None:
    run("open-round", "--coalition", "riverton", "--name", "Baseline")
    text = (
        "respondent_email,item_key,rating,note\n"
        "member@riverton.test,1.1.a,2,fine\n"  # row 2: good
        "member@riverton.test,1.1.b,4,\n"  # row 3: rating off the scale
        "member@riverton.test,9.9.z,1,\n"  # row 4: no such item
        "coordinator@elsewhere.test,1.1.a,1,\n"  # row 5: not a member here
        "member@riverton.test,1.1.a,3,\n"  # row 6: a second answer to 1.1.a
        "member@riverton.test,1.1.c,,\n"  # row 7: no rating
    )
    with pytest.raises(CommandError) as caught:
        run(
            "import-responses",
            "--coalition",
            "riverton",
            "--round",
            "Baseline",
            _csv(tmp_path, text),
        )
    assert caught.value.returncode == 1
    assert str(caught.value).splitlines() == [
        "responses.csv: nothing was imported.",
        "row 3, column rating: value '4': use 0, 1, 2, 3 or dont_know",
        "row 4, column item_key: value '9.9.z': not an item of this round"
        " (see `reentrykit assessment instrument`)",
        "row 5, column respondent_email: value 'coordinator@elsewhere.test':"
        " not a member of this coalition",
        "row 6, column item_key: value '1.1.a': a second answer from member@riverton.test"
        " to this item (the first is on row 2)",
        "row 7, column rating: value '': missing: use 0, 1, 2, 3 or dont_know",
    ]
    assert not Response.objects.exists()
    assert not Respondent.objects.exists()


def test_it_numbers_rows_by_their_line_in_the_file(
    world: World, test_instrument: Path, tmp_path: Path
) -> None:
    run("open-round", "--coalition", "riverton", "--name", "Baseline")
    text = (
        "respondent_email,item_key,rating,note\n"
        "member@riverton.test,1.1.a,2,\n"  # line 2: good
        "\n"  # line 3: blank
        "member@riverton.test,1.1.b,7,\n"  # line 4: rating off the scale
        'member@riverton.test,1.1.c,2,"a note\nover two lines"\n'  # lines 5 and 6: good
        "member@riverton.test,1.2.a,9,\n"  # line 7: rating off the scale
    )
    with pytest.raises(CommandError) as caught:
        run(
            "import-responses",
            "--coalition",
            "riverton",
            "--round",
            "Baseline",
            _csv(tmp_path, text),
        )
    assert str(caught.value).splitlines() == [
        "responses.csv: nothing was imported.",
        "row 4, column rating: value '7': use 0, 1, 2, 3 or dont_know",
        "row 7, column rating: value '9': use 0, 1, 2, 3 or dont_know",
    ]
    assert not Response.objects.exists()


def test_it_names_a_missing_column(world: World, test_instrument: Path, tmp_path: Path) -> None:
    run("open-round", "--coalition", "riverton", "--name", "Baseline")
    with pytest.raises(
        CommandError,
        match=r"row 1: the first row names the columns respondent_email, item_key, rating, "
        r"note; it has no rating \(its columns: respondent_email, item_key, score, note\)",
    ):
        run(
            "import-responses",
            "--coalition",
            "riverton",
            "--round",
            "Baseline",
            _csv(tmp_path, "respondent_email,item_key,score,note\nmember@riverton.test,1.1.a,2,\n"),
        )


def test_it_refuses_to_close_a_round_without_respondents(
    world: World, test_instrument: Path
) -> None:
    run("open-round", "--coalition", "riverton", "--name", "Empty")
    with pytest.raises(CommandError, match="No one has been invited to respond"):
        run("close-round", "--coalition", "riverton", "--round", "Empty")
    assert Round.objects.get(name="Empty").is_open


def test_it_refuses_a_duplicate_round_name_and_an_unknown_round(
    world: World, test_instrument: Path
) -> None:
    run("open-round", "--coalition", "riverton", "--name", "Baseline")
    with pytest.raises(CommandError, match="already has a round with that name"):
        run("open-round", "--coalition", "riverton", "--name", "baseline")
    with pytest.raises(
        CommandError, match=r"riverton has no round named 'Later' \(its rounds: 'Baseline'\)"
    ):
        run("results", "--coalition", "riverton", "--round", "Later", "--format", "json")
    with pytest.raises(CommandError, match="No coalition has the slug 'nowhere'"):
        run("open-round", "--coalition", "nowhere", "--name", "X")


def test_a_round_is_found_however_its_name_is_capitalized(
    world: World, test_instrument: Path
) -> None:
    run("open-round", "--coalition", "riverton", "--name", "Baseline 2026")
    with pytest.raises(CommandError, match="No one has been invited to respond"):
        run("close-round", "--coalition", "riverton", "--round", " baseline 2026 ")


def test_it_refuses_imports_into_a_closed_round(hand_worked_round: Round, tmp_path: Path) -> None:
    call_command(
        "assessment",
        "close-round",
        "--coalition",
        "riverton",
        "--round",
        "Baseline",
        stderr=io.StringIO(),
    )
    before = Response.objects.count()
    with pytest.raises(CommandError, match="is closed"):
        run(
            "import-responses",
            "--coalition",
            "riverton",
            "--round",
            "Baseline",
            _csv(
                tmp_path, "respondent_email,item_key,rating,note\nmember@riverton.test,1.1.a,0,\n"
            ),
        )
    assert Response.objects.count() == before
