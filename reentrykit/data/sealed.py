"""Person-level data sealed at rest outside the encrypted store: uploads while they
wait for the mapping step and the worker, and what a failed job reports.

An uploaded extract holds names and dates of birth, and it can wait hours (a column
mapping nobody has confirmed yet, a queue of imports). It is written encrypted with
AES-256-GCM under a key of its coalition, derived from the master key
(``keys.upload_key``), in chunks of one MiB so that a file of any size is sealed and
opened in constant memory. Each chunk's nonce is a random per-file prefix and the
chunk's number, and its authenticated data says whether it is the last one, so a
chunk that is changed, reordered, dropped or cut off makes the whole file fail to
open (the online STREAM construction). Readers open it in place, chunk by chunk
(:class:`SealedFile`): DuckDB through a file system registered on its connection,
openpyxl and the digest through a seekable file; a workbook's rows, turned into CSV
for DuckDB, are sealed again on their way to the scratch folder.

Before that, while the request that carries it is still arriving, an upload too large
to stay in memory is streamed to an anonymous temporary file sealed under a key that
lives only in the request's memory (:class:`SealingUploadHandler`). So an upload is
never on disk in plain text.

A failed import's report quotes cells of the rejected file (up to 200 of them), so a
failed job's result is kept in the Django database sealed under a key of its coalition
and bound to the job (:func:`seal_job_result`); the steward's job page and the API's
job answer open it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import struct
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

from reentrykit.data.keys import job_result_key, upload_key
from reentrykit.data.reader import DAMAGED, FileProblem

MAGIC = b"RKSEAL01"
CHUNK_BYTES = 1 << 20
PREFIX_BYTES = 7
TAG_BYTES = 16
LENGTH = struct.Struct(">I")
HEADER_BYTES = len(MAGIC) + PREFIX_BYTES


def _nonce(prefix: bytes, index: int, *, last: bool) -> bytes:
    # 7 bytes of prefix, 4 of chunk number, 1 that marks the last chunk: 12 in all.
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class Sealer:
    """Writes bytes to ``handle`` sealed under ``key``, one chunk at a time; call
    :meth:`close` at the end, which seals the last chunk as the last."""

    def __init__(self, handle: BinaryIO, key: bytes) -> None:
        self._handle, self._cipher = handle, AESGCM(key)
        self._prefix = os.urandom(PREFIX_BYTES)
        self._pending = bytearray()
        self._index = 0
        handle.write(MAGIC + self._prefix)

    def write(self, data: bytes) -> None:
        self._pending += data
        # A full chunk is sealed only once more follows: the last one is marked.
        while len(self._pending) > CHUNK_BYTES:
            self._seal(bytes(self._pending[:CHUNK_BYTES]), last=False)
            del self._pending[:CHUNK_BYTES]

    def close(self) -> None:
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()

    def _seal(self, piece: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index, last=last)
        sealed = self._cipher.encrypt(nonce, piece, MAGIC)
        self._handle.write(LENGTH.pack(len(sealed)) + sealed)
        self._index += 1


def plain_chunks(handle: BinaryIO, key: bytes) -> Iterator[bytes]:
    """The plain bytes of the sealed stream ``handle``, chunk by chunk; ``FileProblem``
    as soon as it is not intact (changed, reordered, cut off) or sealed under another key."""
    cipher = AESGCM(key)
    head = handle.read(HEADER_BYTES)
    if len(head) != HEADER_BYTES or not head.startswith(MAGIC):
        raise FileProblem(DAMAGED)
    prefix = head[len(MAGIC) :]
    sealed, index = _read_chunk(handle), 0
    if sealed is None:  # not even the last chunk: cut off
        raise FileProblem(DAMAGED)
    while sealed is not None:
        following = _read_chunk(handle)
        try:
            yield cipher.decrypt(_nonce(prefix, index, last=following is None), sealed, MAGIC)
        except InvalidTag:
            raise FileProblem(DAMAGED) from None
        sealed, index = following, index + 1


def _read_chunk(handle: BinaryIO) -> bytes | None:
    """The next sealed chunk, None at the end of the stream."""
    head = handle.read(LENGTH.size)
    if not head:
        return None
    if len(head) != LENGTH.size:
        raise FileProblem(DAMAGED)
    (size,) = LENGTH.unpack(head)
    if not TAG_BYTES <= size <= CHUNK_BYTES + TAG_BYTES:
        raise FileProblem(DAMAGED)
    sealed = handle.read(size)
    if len(sealed) != size:
        raise FileProblem(DAMAGED)
    return sealed


def seal(chunks: Iterable[bytes], target: Path, *, coalition_id: int) -> None:
    """Write the bytes of ``chunks`` to ``target``, sealed for the coalition."""
    _seal_into(target, chunks, upload_key(coalition_id))


def _seal_into(target: Path, chunks: Iterable[bytes], key: bytes) -> None:
    with target.open("wb") as handle:
        sealer = Sealer(handle, key)
        for chunk in chunks:
            sealer.write(chunk)
        sealer.close()


class SealedFile:
    """A sealed file read in place: random access by chunk, so nothing is written
    out in plain text. ``open()`` gives a seekable binary file; DuckDB reads it through
    a file system registered on its connection (:meth:`duckdb_path`). Only the chunks
    a reader touches are checked, so a damage elsewhere is found when that part is read
    (``FileProblem``: :data:`~reentrykit.data.reader.DAMAGED`)."""

    def __init__(self, path: Path, key: bytes, *, name: str | None = None) -> None:
        self.path, self.name = path, name or path.name
        self._key = key

    @classmethod
    def of_upload(cls, path: Path, *, coalition_id: int, name: str | None = None) -> SealedFile:
        """An upload waiting for its coalition (sealed by :func:`seal`)."""
        return cls(path, upload_key(coalition_id), name=name)

    @classmethod
    def write(cls, target: Path, chunks: Iterable[bytes], *, name: str) -> SealedFile:
        """The bytes of ``chunks`` sealed into ``target`` under a key held only by the
        returned object: for scratch files nothing else needs to open."""
        key = AESGCM.generate_key(bit_length=256)
        _seal_into(target, chunks, key)
        return cls(target, key, name=name)

    def layout(self) -> tuple[int, int]:
        """(chunks, plain size), from the sealed file's size; ``FileProblem`` when it
        cannot be a sealed file."""
        stored = self.path.stat().st_size - HEADER_BYTES
        overhead = LENGTH.size + TAG_BYTES
        chunks = -(-stored // (CHUNK_BYTES + overhead))
        if chunks < 1 or stored - chunks * overhead < (chunks - 1) * CHUNK_BYTES:
            raise FileProblem(DAMAGED)
        return chunks, stored - chunks * overhead

    def size(self) -> int:
        return self.layout()[1]

    def open(self) -> BinaryIO:
        return _SealedFileSystem(self).open(SERVED)  # type: ignore[return-value]

    def duckdb_path(self, con: duckdb.DuckDBPyConnection) -> str:
        """Registers a file system that serves this one file on ``con`` (for as long as
        the connection lives) and returns the path DuckDB reads it by."""
        system = _SealedFileSystem(self)
        con.register_filesystem(system)
        return f"{system.protocol}://{SERVED}"


# The one name each file system serves; without an extension DuckDB infers no
# compression from it.
SERVED = "data"


class _SealedFileSystem(AbstractFileSystem):
    """An fsspec file system that serves one sealed file under a protocol of its own
    (DuckDB keeps file systems by protocol, and each file has its key)."""

    cachable = False  # fsspec would otherwise keep every instance, key and all

    def __init__(self, file: SealedFile) -> None:
        super().__init__()
        self.file = file
        self.protocol = f"rksealed{uuid.uuid4().hex}"

    def _served(self, path: Any) -> str:
        name = str(path).split("://", 1)[-1].strip("/")
        if name != SERVED:
            raise FileNotFoundError(path)
        return name

    def info(self, path: Any, **kwargs: Any) -> dict[str, Any]:
        return {"name": self._served(path), "size": self.file.size(), "type": "file"}

    def modified(self, path: Any) -> dt.datetime:
        self._served(path)
        return dt.datetime.fromtimestamp(self.file.path.stat().st_mtime, tz=dt.UTC)

    def ls(self, path: Any, detail: bool = True, **kwargs: Any) -> list[Any]:
        entry = self.info(path)
        return [entry] if detail else [entry["name"]]

    def glob(self, path: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        return [self._served(path)]

    def _open(self, path: Any, mode: str = "rb", **kwargs: Any) -> _SealedReader:
        if mode != "rb":
            raise PermissionError("A sealed file is read-only.")
        self._served(path)
        return _SealedReader(self, SERVED)


class _SealedReader(AbstractBufferedFile):
    """Reads a sealed file by ranges, opening each chunk it touches (the last one it
    opened is kept, as readers go forward in small steps)."""

    def __init__(self, fs: _SealedFileSystem, path: str) -> None:
        file = fs.file
        self._chunks, size = file.layout()
        self._raw = file.path.open("rb")
        head = self._raw.read(HEADER_BYTES)
        if not head.startswith(MAGIC):
            self._raw.close()
            raise FileProblem(DAMAGED)
        self._prefix = head[len(MAGIC) :]
        self._cipher = AESGCM(file._key)
        self._kept: tuple[int, bytes] = (-1, b"")
        # DuckDB opens a handle per thread, but reading the raw file is a seek then a
        # read: kept whole in case a handle is ever shared.
        self._raw_lock = threading.Lock()
        super().__init__(fs, path, mode="rb", cache_type="none", size=size)

    def _chunk(self, index: int) -> bytes:
        if self._kept[0] == index:
            return self._kept[1]
        self._raw.seek(HEADER_BYTES + index * (LENGTH.size + CHUNK_BYTES + TAG_BYTES))
        last = index == self._chunks - 1
        sealed = _read_chunk(self._raw)
        expected = self.size - index * CHUNK_BYTES if last else CHUNK_BYTES
        if sealed is None or len(sealed) != expected + TAG_BYTES:
            raise FileProblem(DAMAGED)
        try:
            plain = self._cipher.decrypt(_nonce(self._prefix, index, last=last), sealed, MAGIC)
        except InvalidTag:
            raise FileProblem(DAMAGED) from None
        self._kept = (index, plain)
        return plain

    def _fetch_range(self, start: int, end: int) -> bytes:
        end = min(end, self.size)
        if start >= end:
            return b""
        first, last = start // CHUNK_BYTES, (end - 1) // CHUNK_BYTES
        with self._raw_lock:
            joined = b"".join(self._chunk(index) for index in range(first, last + 1))
        offset = first * CHUNK_BYTES
        return joined[start - offset : end - offset]

    def close(self) -> None:
        super().close()
        self._raw.close()


class SealedUploadedFile(UploadedFile):
    """A file arriving in a request, kept sealed on disk under a key that exists only
    in this object's memory, in an anonymous temporary file that goes when it is
    closed (and with the process). ``chunks()`` gives the plain bytes back."""

    def __init__(
        self, name: str, content_type: str, charset: str | None, content_type_extra: Any
    ) -> None:
        # Closed with the upload (Django closes request files at the end of a request).
        handle = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
        super().__init__(handle, name, content_type, 0, charset, content_type_extra)
        self._key = AESGCM.generate_key(bit_length=256)
        self._sealer = Sealer(handle, self._key)

    def write_plain(self, data: bytes) -> None:
        self._sealer.write(data)

    def finish(self, size: int) -> None:
        self._sealer.close()
        self.size = size

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.file.seek(0)
        yield from plain_chunks(self.file, self._key)

    def read(self, size: int | None = -1) -> bytes:
        """The whole plain content; a sealed upload is read whole or by ``chunks()``."""
        if size not in (None, -1):
            raise ValueError("A sealed upload is read whole or by chunks().")
        return b"".join(self.chunks())


class SealingUploadHandler(FileUploadHandler):
    """Django's stream-to-disk upload handler, sealed: an upload too large to stay in
    memory reaches the disk encrypted, never as plain text (``FILE_UPLOAD_HANDLERS``)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file = SealedUploadedFile(
            self.file_name, self.content_type, self.charset, self.content_type_extra
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.file.write_plain(raw_data)

    def file_complete(self, file_size: int) -> SealedUploadedFile:
        self.file.finish(file_size)
        return self.file

    def upload_interrupted(self) -> None:
        if hasattr(self, "file"):
            self.file.close()


SEALED_RESULT = "sealed"
NONCE_BYTES = 12
UNREADABLE_RESULT = "What this job reported could not be opened with this server's key."


def seal_json(value: Any, *, coalition_id: int, context: str) -> str:
    """``value`` as JSON sealed with the coalition's key, bound to ``context`` (it opens
    only where it was made): for person-level details kept in the database or a session."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(job_result_key(coalition_id)).encrypt(
        nonce, json.dumps(value).encode("utf-8"), context.encode("utf-8")
    )
    return base64.b64encode(nonce + sealed).decode("ascii")


def open_json(text: str, *, coalition_id: int, context: str) -> Any:
    """What :func:`seal_json` sealed; raises ``ValueError`` if it cannot be opened (another
    key or context, or damaged)."""
    try:
        raw = base64.b64decode(text, validate=True)
        plain = AESGCM(job_result_key(coalition_id)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8")
        )
    except (InvalidTag, ValueError, TypeError) as error:
        raise ValueError("sealed value cannot be opened") from error
    return json.loads(plain)


def seal_job_result(result: dict[str, Any], *, coalition_id: int, job_id: int) -> dict[str, Any]:
    """``result`` as the JSON object a failed job keeps: ``{"sealed": text}``."""
    return {
        SEALED_RESULT: seal_json(result, coalition_id=coalition_id, context=_job_context(job_id))
    }


def open_job_result(stored: dict[str, Any], *, coalition_id: int, job_id: int) -> dict[str, Any]:
    """The result a job keeps, opened when it is sealed; ``{"error": ...}`` saying so
    when it cannot be opened (another key, or moved from another job)."""
    if set(stored) != {SEALED_RESULT}:
        return stored
    try:
        return open_json(
            stored[SEALED_RESULT], coalition_id=coalition_id, context=_job_context(job_id)
        )
    except ValueError:
        return {"error": UNREADABLE_RESULT}


def _job_context(job_id: int) -> str:
    return f"reentrykit/data-job/{job_id}"
