"""Person-level data sealed at rest outside the encrypted store: uploads while they
wait for the mapping step and the worker, and what a failed job reports.

An uploaded extract holds names and dates of birth, and it can wait hours (a column
mapping nobody has confirmed yet, a queue of imports). It is written encrypted with
AES-256-GCM under a key of its coalition, derived from the master key
(``keys.upload_key``), in chunks of one MiB so that a file of any size is sealed and
opened in constant memory. Each chunk's nonce is a random per-file prefix and the
chunk's number, and its authenticated data says whether it is the last one, so a
chunk that is changed, reordered, dropped or cut off makes the whole file fail to
open (the online STREAM construction). A file is opened into a private scratch
folder only for as long as a reader needs it, and deleted afterwards.

Before that, while the request that carries it is still arriving, an upload too large
to stay in memory is streamed to an anonymous temporary file sealed under a key that
lives only in the request's memory (:class:`SealingUploadHandler`). Plain text is on
disk only in the private scratch folder of a job that is reading the file.

A failed import's report quotes cells of the rejected file (up to 200 of them), so a
failed job's result is kept in the Django database sealed under a key of its coalition
and bound to the job (:func:`seal_job_result`); the steward's job page and the API's
job answer open it.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from reentrykit.data.keys import job_result_key, upload_key
from reentrykit.data.reader import FileProblem

MAGIC = b"RKSEAL01"
CHUNK_BYTES = 1 << 20
PREFIX_BYTES = 7
TAG_BYTES = 16
LENGTH = struct.Struct(">I")
DAMAGED = (
    "The saved upload could not be opened: it is damaged or was saved for another "
    "coalition. Upload the file again."
)


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
    head = handle.read(len(MAGIC) + PREFIX_BYTES)
    if len(head) != len(MAGIC) + PREFIX_BYTES or not head.startswith(MAGIC):
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
    with target.open("wb") as handle:
        sealer = Sealer(handle, upload_key(coalition_id))
        for chunk in chunks:
            sealer.write(chunk)
        sealer.close()


def unseal(source: Path, target: Path, *, coalition_id: int, max_bytes: int | None = None) -> None:
    """Decrypt ``source`` (its first ``max_bytes`` at most) into ``target``;
    ``FileProblem`` (and no ``target``) when it is not an intact upload sealed for the
    coalition (as far as it was read)."""
    try:
        with source.open("rb") as handle, target.open("wb") as out:
            written = 0
            for chunk in plain_chunks(handle, upload_key(coalition_id)):
                if max_bytes is not None and written + len(chunk) >= max_bytes:
                    out.write(chunk[: max_bytes - written])
                    break
                out.write(chunk)
                written += len(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


@contextmanager
def opened(
    source: Path, *, coalition_id: int, scratch_root: Path, max_bytes: int | None = None
) -> Iterator[Path]:
    """The plain file of a sealed upload (its first ``max_bytes`` at most), in a
    private folder under ``scratch_root`` that is removed when the block ends (readers
    tell the format by the content)."""
    scratch_root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=scratch_root))  # mode 0700
    try:
        plain = folder / "upload"
        unseal(source, plain, coalition_id=coalition_id, max_bytes=max_bytes)
        yield plain
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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


def seal_job_result(result: dict[str, Any], *, coalition_id: int, job_id: int) -> dict[str, Any]:
    """``result`` as the JSON object a failed job keeps: ``{"sealed": text}``."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(job_result_key(coalition_id)).encrypt(
        nonce, json.dumps(result).encode("utf-8"), _job_context(job_id)
    )
    return {SEALED_RESULT: base64.b64encode(nonce + sealed).decode("ascii")}


def open_job_result(stored: dict[str, Any], *, coalition_id: int, job_id: int) -> dict[str, Any]:
    """The result a job keeps, opened when it is sealed; ``{"error": ...}`` saying so
    when it cannot be opened (another key, or moved from another job)."""
    if set(stored) != {SEALED_RESULT}:
        return stored
    try:
        raw = base64.b64decode(stored[SEALED_RESULT], validate=True)
        plain = AESGCM(job_result_key(coalition_id)).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _job_context(job_id)
        )
    except (InvalidTag, ValueError):
        return {"error": UNREADABLE_RESULT}
    return json.loads(plain)


def _job_context(job_id: int) -> bytes:
    return f"reentrykit/data-job/{job_id}".encode()
