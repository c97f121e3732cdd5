"""Uploads sealed at rest while they wait for the mapping step and the worker.

An uploaded extract holds names and dates of birth, and it can wait hours (a column
mapping nobody has confirmed yet, a queue of imports). It is written encrypted with
AES-256-GCM under a key of its coalition, derived from the master key
(``keys.upload_key``), in chunks of one MiB so that a file of any size is sealed and
opened in constant memory. Each chunk's nonce is a random per-file prefix and the
chunk's number, and its authenticated data says whether it is the last one, so a
chunk that is changed, reordered, dropped or cut off makes the whole file fail to
open (the online STREAM construction). A file is opened into a private scratch
folder only for as long as a reader needs it, and deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from reentrykit.data.keys import upload_key
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


def _rechunked(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes of ``chunks`` in pieces of exactly CHUNK_BYTES (the last shorter)."""
    pending = bytearray()
    for chunk in chunks:
        pending += chunk
        while len(pending) >= CHUNK_BYTES:
            yield bytes(pending[:CHUNK_BYTES])
            del pending[:CHUNK_BYTES]
    yield bytes(pending)


def seal(chunks: Iterable[bytes], target: Path, *, coalition_id: int) -> None:
    """Write the bytes of ``chunks`` to ``target``, encrypted for the coalition."""
    cipher = AESGCM(upload_key(coalition_id))
    prefix = os.urandom(PREFIX_BYTES)
    pieces = _rechunked(chunks)
    piece = next(pieces)
    with target.open("wb") as handle:
        handle.write(MAGIC + prefix)
        index = 0
        for following in pieces:
            _write_chunk(handle, cipher.encrypt(_nonce(prefix, index, last=False), piece, MAGIC))
            piece, index = following, index + 1
        _write_chunk(handle, cipher.encrypt(_nonce(prefix, index, last=True), piece, MAGIC))


def _write_chunk(handle: BinaryIO, sealed: bytes) -> None:
    handle.write(LENGTH.pack(len(sealed)) + sealed)


def _read_chunk(handle: BinaryIO) -> bytes | None:
    """The next sealed chunk, None at the end of the file."""
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


def unseal(source: Path, target: Path, *, coalition_id: int) -> None:
    """Decrypt ``source`` into ``target``; ``FileProblem`` (and no ``target``) when it
    is not an intact upload sealed for the coalition."""
    cipher = AESGCM(upload_key(coalition_id))
    try:
        with source.open("rb") as handle, target.open("wb") as out:
            head = handle.read(len(MAGIC) + PREFIX_BYTES)
            if len(head) != len(MAGIC) + PREFIX_BYTES or not head.startswith(MAGIC):
                raise FileProblem(DAMAGED)
            prefix = head[len(MAGIC) :]
            sealed, index = _read_chunk(handle), 0
            while sealed is not None:
                following = _read_chunk(handle)
                nonce = _nonce(prefix, index, last=following is None)
                out.write(cipher.decrypt(nonce, sealed, MAGIC))
                sealed, index = following, index + 1
            if index == 0:  # not even the last chunk: cut off
                raise FileProblem(DAMAGED)
    except InvalidTag:
        target.unlink(missing_ok=True)
        raise FileProblem(DAMAGED) from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise


@contextmanager
def opened(source: Path, *, coalition_id: int, scratch_root: Path) -> Iterator[Path]:
    """The plain file of a sealed upload, in a private folder under ``scratch_root``
    that is removed when the block ends (readers tell the format by the content)."""
    scratch_root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=scratch_root))  # mode 0700
    try:
        plain = folder / "upload"
        unseal(source, plain, coalition_id=coalition_id)
        yield plain
    finally:
        shutil.rmtree(folder, ignore_errors=True)
