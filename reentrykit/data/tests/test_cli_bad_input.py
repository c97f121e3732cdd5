"""`reentrykit data`: bad input gets a clear error, no traceback,
and changes nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reentrykit.data import store
from reentrykit.data.models import LinkageRun
from reentrykit.data.tests.test_cli import RELEASES
from reentrykit.testing import World


def _import(tmp_path: Path, text: str = RELEASES, name: str = "releases.csv") -> None:
    path = tmp_path / name
    path.write_text(text)
    call_command(
        "data",
        "import",
        "--coalition",
        "riverton",
        "--kind",
        "releases",
        "--source",
        "County Jail",
        str(path),
        stdout=StringIO(),
        stderr=StringIO(),
    )


def test_link_with_an_unwritable_cluster_export_is_refused_before_linking(
    world: World, tmp_path: Path
) -> None:
    """A folder, or a path under a file, is refused before linkage changes anything."""
    _import(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for target in (tmp_path, blocker / "clusters.csv"):
        with pytest.raises(CommandError, match="--export-clusters"):
            call_command(
                "data",
                "link",
                "--coalition",
                "riverton",
                "--export-clusters",
                str(target),
                stdout=StringIO(),
                stderr=StringIO(),
            )
    assert not LinkageRun.objects.exists()
    with store.open_store(world.coalition.pk) as con:
        assert store.table_count(con, "person_map") == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--seed", "-1"], "--seed"),
        (["--seed", "1", "--out-is-a-file"], "--out"),
    ],
)
def test_synth_refuses_bad_arguments_with_a_message(
    db: None, tmp_path: Path, args: list[str], says: str
) -> None:
    """A negative seed, or an --out that is a file, is a usage error with a message."""
    out = tmp_path / "county"
    if "--out-is-a-file" in args:
        args = args[:-1]
        out.write_text("not a folder")
    with pytest.raises(CommandError, match=says):
        call_command(
            "data",
            "synth",
            "--people",
            "5",
            *args,
            "--out",
            str(out),
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_import_refusals_name_the_command_line_options(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report names the command's options (--replace, --mapping), not the upload
    page's controls."""
    _import(tmp_path)
    capsys.readouterr()
    with pytest.raises(CommandError):
        _import(tmp_path)
    assert "--replace" in capsys.readouterr().err
    with pytest.raises(CommandError):
        _import(tmp_path, "id,out\nJ1,2023-01-01\n", "odd.csv")
    assert "--mapping" in capsys.readouterr().err
