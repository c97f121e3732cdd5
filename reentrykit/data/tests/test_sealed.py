"""Uploads wait on disk sealed: unreadable without the coalition's key, and any change
to the sealed file is refused."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reentrykit.data import reader, sealed, store
from reentrykit.data.imports import import_file
from reentrykit.data.models import DataJob, ImportBatch, JobStatus
from reentrykit.data.reader import FileInfo, FileProblem
from reentrykit.data.services import uploads_dir
from reentrykit.testing import World

ODD = b"Inmate ID,Given name,Released,Facility\nA1,Annabelle,2024-03-31,jail\n"
MAPPING = {
    "col__source_person_id": "Inmate ID",
    "col__first_name": "Given name",
    "col__release_date": "Released",
    "col__facility_type": "Facility",
    "date_format": "%Y-%m-%d",
}


@pytest.fixture
def small_chunks(monkeypatch):  # type: ignore[no-untyped-def]
    """Chunks of 16 bytes, so that a short text spans many of them."""
    monkeypatch.setattr(sealed, "CHUNK_BYTES", 16)
    return 16


def _sealed(tmp_path: Path, content: bytes, *, coalition_id: int = 1) -> Path:
    target = tmp_path / "upload.sealed"
    # Uneven pieces, as an upload arrives.
    pieces = [content[i : i + 7] for i in range(0, len(content), 7)]
    sealed.seal(pieces, target, coalition_id=coalition_id)
    return target


def _chunks(path: Path) -> tuple[bytes, list[bytes]]:
    """The sealed file's header and its length-prefixed chunks, as stored."""
    raw = path.read_bytes()
    header_size = len(sealed.MAGIC) + sealed.PREFIX_BYTES
    header, rest, chunks = raw[:header_size], raw[header_size:], []
    while rest:
        size = sealed.LENGTH.unpack(rest[: sealed.LENGTH.size])[0] + sealed.LENGTH.size
        chunks.append(rest[:size])
        rest = rest[size:]
    return header, chunks


def _web_upload(client, content: bytes = ODD, name: str = "odd.csv"):  # type: ignore[no-untyped-def]
    """Posts a releases file from "Jail" to the upload page; returns the response."""
    upload = SimpleUploadedFile(name, content)
    return client.post(
        "/c/riverton/data/upload/", {"kind": "releases", "source": "Jail", "file": upload}
    )


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 32, 53])
def test_it_opens_what_it_sealed_at_every_length(
    size: int, tmp_path: Path, small_chunks: int
) -> None:
    content = bytes(range(size))
    path = _sealed(tmp_path, content)
    _, chunks = _chunks(path)
    assert len(chunks) == max(1, -(-size // small_chunks))  # an empty file has one empty chunk
    file = sealed.SealedFile.of_upload(path, coalition_id=1)
    assert file.size() == size
    with file.open() as handle:
        assert handle.read() == content


def test_it_reads_any_range_in_place(tmp_path: Path, small_chunks: int) -> None:
    content = bytes(range(200))
    with sealed.SealedFile.of_upload(_sealed(tmp_path, content), coalition_id=1).open() as handle:
        for start, length in [(0, 1), (15, 2), (16, 16), (5, 100), (190, 50), (200, 5), (33, 0)]:
            handle.seek(start)
            assert handle.read(length) == content[start : start + length]
        handle.seek(-7, 2)
        assert handle.read() == content[-7:]


def test_the_sealed_file_does_not_hold_the_text(tmp_path: Path) -> None:
    path = _sealed(tmp_path, ODD * 1000)
    raw = path.read_bytes()
    assert b"Annabelle" not in raw and b"Inmate" not in raw


def _refused(path: Path, *, coalition_id: int = 1) -> None:
    file = sealed.SealedFile.of_upload(path, coalition_id=coalition_id)
    with pytest.raises(FileProblem, match="could not be opened"):  # noqa: PT012
        handle = file.open()
        handle.read()


def test_another_coalitions_key_cannot_open_it(tmp_path: Path) -> None:
    _refused(_sealed(tmp_path, ODD, coalition_id=1), coalition_id=2)


@pytest.mark.parametrize(
    "damage",
    [
        "flipped byte",
        "last chunk cut off",
        "chunks swapped",
        "chunk dropped",
        "truncated inside a chunk",
        "not sealed",
    ],
)
def test_a_changed_file_is_refused(damage: str, tmp_path: Path, small_chunks: int) -> None:
    path = _sealed(tmp_path, ODD)
    header, chunks = _chunks(path)
    assert len(chunks) >= 4
    if damage == "flipped byte":
        middle = bytearray(chunks[1])
        middle[10] ^= 1
        chunks[1] = bytes(middle)
    elif damage == "last chunk cut off":
        chunks = chunks[:-1]
    elif damage == "chunks swapped":
        chunks[0], chunks[1] = chunks[1], chunks[0]
    elif damage == "chunk dropped":
        del chunks[1]
    elif damage == "truncated inside a chunk":
        chunks[-1] = chunks[-1][:-3]
    else:
        header, chunks = b"", [ODD]
    path.write_bytes(header + b"".join(chunks))
    _refused(path)


def test_an_upload_waits_sealed_and_imports_after_mapping(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    response = _web_upload(client)
    assert "/columns/" in response["Location"]
    (waiting,) = uploads_dir(world.coalition.pk).iterdir()
    assert b"Annabelle" not in waiting.read_bytes() and b"Inmate" not in waiting.read_bytes()
    assert not any(store.scratch_dir(world.coalition.pk).iterdir())  # headers read, plain gone
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], MAPPING)
    assert ImportBatch.objects.get().rows == 1
    assert not waiting.exists()
    assert not any(store.scratch_dir(world.coalition.pk).iterdir())


def test_a_damaged_upload_fails_its_job_with_the_reason_and_imports_nothing(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    response = _web_upload(client)
    (waiting,) = uploads_dir(world.coalition.pk).iterdir()
    raw = bytearray(waiting.read_bytes())
    raw[-1] ^= 1
    waiting.write_bytes(bytes(raw))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], MAPPING)
    job = DataJob.objects.get()
    assert job.status == JobStatus.FAILED
    report = sealed.open_job_result(job.result, coalition_id=world.coalition.pk, job_id=job.pk)
    assert report["errors"]["file_errors"] == [reader.DAMAGED]
    assert reader.DAMAGED in client.get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert not ImportBatch.objects.exists()
    assert not waiting.exists()


def test_the_upload_handler_keeps_a_large_upload_sealed_on_disk(small_chunks: int) -> None:
    handler = sealed.SealingUploadHandler()
    handler.new_file("file", "odd.csv", "text/csv", len(ODD) * 50)
    for start in range(0, len(ODD) * 50, 100):
        handler.receive_data_chunk((ODD * 50)[start : start + 100], start)
    uploaded = handler.file_complete(len(ODD) * 50)
    uploaded.file.seek(0)
    assert b"Annabelle" not in uploaded.file.read()
    assert uploaded.size == len(ODD) * 50
    assert b"".join(uploaded.chunks()) == ODD * 50 == uploaded.read()
    with pytest.raises(ValueError):
        uploaded.read(5)  # a part of a sealed stream is not plain text
    uploaded.close()
    assert uploaded.closed


@pytest.fixture
def to_disk(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Every upload goes through the disk handler; returns what it kept on disk."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    kept: list[bytes] = []
    finish = sealed.SealedUploadedFile.finish

    def finish_and_keep(self, size: int) -> None:  # type: ignore[no-untyped-def]
        finish(self, size)
        self.file.seek(0)
        kept.append(self.file.read())

    monkeypatch.setattr(sealed.SealedUploadedFile, "finish", finish_and_keep)
    return kept


def test_a_web_upload_too_large_for_memory_never_reaches_the_disk_in_plain_text(
    world: World, signed_in, to_disk: list[bytes]
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    response = _web_upload(client)
    # Its headers were read back through the handler's file.
    assert "Inmate ID" in client.get(response["Location"]).content.decode()
    assert len(to_disk) == 1 and b"Annabelle" not in to_disk[0]


def test_an_api_upload_too_large_for_memory_imports(
    world: World, client, to_disk: list[bytes], django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.testing import api_headers

    upload = SimpleUploadedFile("odd.csv", ODD, content_type="text/csv")
    mapping = {
        "columns": {
            "source_person_id": "Inmate ID",
            "release_date": "Released",
            "facility_type": "Facility",
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/coalitions/riverton/data/imports",
            {"kind": "releases", "source": "Jail", "file": upload, "mapping": json.dumps(mapping)},
            headers=api_headers(world.steward),
        )
    assert response.status_code == 202, response.content
    assert ImportBatch.objects.get().rows == 1
    assert len(to_disk) == 1 and b"Annabelle" not in to_disk[0]


def _failed_upload(client) -> DataJob:  # type: ignore[no-untyped-def]
    response = _web_upload(client, ODD.replace(b"jail", b"Annabelle's cell"), "bad.csv")
    client.post(response["Location"], MAPPING)
    return DataJob.objects.get()


def test_a_failed_jobs_report_is_kept_sealed_and_shown_to_its_steward(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    with django_capture_on_commit_callbacks(execute=True):
        job = _failed_upload(client)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Annabelle" not in json.dumps(job.result)  # as the Django database holds it
    page = client.get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert "Annabelle&#x27;s cell" in page  # the value in the problem table


def test_a_sealed_result_opens_only_for_its_own_job_and_coalition() -> None:
    report = {"errors": {"problems": [{"row": 2, "value": "Annabelle"}]}}
    stored = sealed.seal_job_result(report, coalition_id=1, job_id=7)
    assert sealed.open_job_result(stored, coalition_id=1, job_id=7) == report
    for coalition_id, job_id in ((2, 7), (1, 8)):
        opened = sealed.open_job_result(stored, coalition_id=coalition_id, job_id=job_id)
        assert opened == {"error": sealed.UNREADABLE_RESULT}
    plain = {"batch": 3, "kind": "releases", "rows": 10}
    assert sealed.open_job_result(plain, coalition_id=1, job_id=7) == plain


def test_the_migration_seals_the_reports_failed_jobs_kept_in_plain_text(world: World) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("reentrykit.data.migrations.0002_seal_failed_job_results")
    report = {"errors": {"problems": [{"row": 2, "value": "Annabelle"}]}}
    failed = DataJob.objects.create(
        coalition=world.coalition, kind="import", status=JobStatus.FAILED, result=report
    )
    done = DataJob.objects.create(
        coalition=world.coalition, kind="import", status=JobStatus.DONE, result={"rows": 1}
    )
    migration.seal_failed_results(apps, None)
    migration.seal_failed_results(apps, None)  # twice: what is sealed stays as it is
    failed.refresh_from_db()
    done.refresh_from_db()
    assert "Annabelle" not in json.dumps(failed.result)
    riverton = world.coalition.pk
    assert sealed.open_job_result(failed.result, coalition_id=riverton, job_id=failed.pk) == report
    assert done.result == {"rows": 1}


def test_only_the_head_of_a_waiting_csv_is_opened_to_read_its_headers(
    world: World, signed_in, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    opened: list[int] = []
    chunk = sealed._SealedReader._chunk

    def counted(self, index: int) -> bytes:  # type: ignore[no-untyped-def]
        opened.append(index)
        return chunk(self, index)

    monkeypatch.setattr(sealed._SealedReader, "_chunk", counted)
    rows = b"".join(b"A%d,Annabelle,2024-03-31,jail\n" % i for i in range(60_000))
    assert len(ODD + rows) > 1.5 * sealed.CHUNK_BYTES
    response = _web_upload(signed_in(world.steward), ODD + rows)
    assert "/columns/" in response["Location"]
    assert set(opened) == {0}  # the first MiB of two


def _workbook(tmp_path: Path) -> bytes:
    """ODD as an Excel workbook."""
    from openpyxl import Workbook

    workbook = Workbook()
    for line in ODD.decode().splitlines():
        workbook.active.append(line.split(","))
    workbook.save(tmp_path / "odd.xlsx")
    return (tmp_path / "odd.xlsx").read_bytes()


def test_a_waiting_workbook_is_read_in_place_and_imports(
    world: World, signed_in, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    response = _web_upload(client, _workbook(tmp_path), "odd.xlsx")
    assert "/columns/" in response["Location"]
    assert "Inmate ID" in client.get(response["Location"]).content.decode()
    assert not any(store.scratch_dir(world.coalition.pk).iterdir())  # its CSV is gone
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], MAPPING)
    assert ImportBatch.objects.get().rows == 1


@pytest.mark.parametrize("name", ["odd.csv", "odd.xlsx"])
def test_an_import_never_writes_the_uploads_plain_text(
    name: str,
    world: World,
    signed_in,
    tmp_path: Path,
    monkeypatch,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    """While the job reads the upload, no file of the coalition holds its text (a
    workbook's CSV is in the scratch folder, sealed)."""
    from reentrykit.data import imports

    folder = store.coalition_dir(world.coalition.pk)
    seen: list[tuple[int, list[str], list[str]]] = []
    validate = imports.validate_staging

    def validate_and_look(con, **kwargs):  # type: ignore[no-untyped-def]
        report = validate(con, **kwargs)  # the whole file has been read now
        files = [path for path in folder.rglob("*") if path.is_file()]
        plain = [str(path) for path in files if b"Annabelle" in path.read_bytes()]
        scratch = [str(path) for path in files if "scratch" in path.parts]
        seen.append((report.rows, plain, scratch))
        return report

    monkeypatch.setattr(imports, "validate_staging", validate_and_look)
    content = _workbook(tmp_path) if name.endswith(".xlsx") else ODD
    client = signed_in(world.steward)
    response = _web_upload(client, content, name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], MAPPING)
    assert ImportBatch.objects.get().rows == 1
    ((rows, plain, scratch),) = seen
    assert rows == 1 and plain == []
    assert len(scratch) == (1 if name.endswith(".xlsx") else 0)


def test_duckdb_reads_a_sealed_csv_and_parquet_file_in_place(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute("SET threads = 2")  # a Parquet file's row groups are read side by side
    con.execute("CREATE TABLE t AS SELECT i AS id, 'name ' || i AS name FROM range(5000) r(i)")
    parquet = tmp_path / "plain.parquet"
    con.execute(f"COPY t TO '{parquet}' (FORMAT parquet, ROW_GROUP_SIZE 500)")
    con.execute(f"COPY t TO '{tmp_path / 'plain.csv'}' (FORMAT csv, HEADER)")
    expected = con.execute("SELECT CAST(id AS VARCHAR), name FROM t ORDER BY id").fetchall()
    for plain in ("plain.parquet", "plain.csv"):
        content = (tmp_path / plain).read_bytes()
        pieces = [content[i : i + 1000] for i in range(0, len(content), 1000)]
        file = sealed.SealedFile.write(tmp_path / f"{plain}.sealed", pieces, name=plain)
        info = reader.inspect_file(file, tmp_path)
        assert info.format == plain.split(".")[1] and info.headers == ("id", "name")
        reader.load_staging(con, info)
        assert con.execute("SELECT * FROM staging ORDER BY CAST(id AS INT)").fetchall() == expected


def test_a_chunk_damaged_where_duckdb_reads_is_reported_as_damaged(
    tmp_path: Path, small_chunks: int
) -> None:
    content = b"a,b\n" + b"".join(b"%d,x\n" % i for i in range(50))
    file = sealed.SealedFile.write(tmp_path / "d.sealed", [content], name="d.csv")
    header, chunks = _chunks(file.path)
    middle = bytearray(chunks[5])
    middle[10] ^= 1
    chunks[5] = bytes(middle)
    file.path.write_bytes(header + b"".join(chunks))
    con = duckdb.connect()
    with pytest.raises(duckdb.Error) as raised:  # noqa: PT012
        reader.load_staging(con, FileInfo(file, "csv", ",", ("a", "b"), file.size()))
        con.execute("SELECT count(*) FROM staging").fetchall()
    assert reader.explain_read_error(raised.value) == reader.DAMAGED


def test_a_sealed_file_system_serves_its_one_file_read_only(tmp_path: Path) -> None:
    file = sealed.SealedFile.write(tmp_path / "s.sealed", [ODD], name="s.csv")
    system = sealed._SealedFileSystem(file)
    assert system.cat_file(f"{system.protocol}://{sealed.SERVED}") == ODD
    with pytest.raises(FileNotFoundError):
        system.open(f"{system.protocol}://{tmp_path / 's.sealed'}")
    with pytest.raises(PermissionError):
        system.open(f"{system.protocol}://{sealed.SERVED}", "wb")


def test_a_sealed_uploads_rows_are_numbered_by_their_line(
    world: World, tmp_path: Path, small_chunks: int
) -> None:
    content = (
        b"source_person_id,release_date,facility_type\n"
        b"A1,2024-03-31,jail\n"
        b"\n"
        b'A2,2024-03-31,"ja\nil"\n'  # lines 4 and 5
        b"A3,2024-02-30,jail\n"  # line 6: no such date
    )
    path = _sealed(tmp_path, content, coalition_id=world.coalition.pk)
    upload = sealed.SealedFile.of_upload(path, coalition_id=world.coalition.pk)
    result = import_file(
        coalition=world.coalition, kind="releases", source_name="Jail", path=upload
    )
    assert [(p.row, p.column) for p in result.report.problems] == [
        (4, "facility_type"),
        (6, "release_date"),
    ]
