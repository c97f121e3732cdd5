"""Secrets derived from the server's master key: per coalition, and for accounts.

Each purpose gets its own key (HMAC-SHA256 of a purpose label under the master
key, i.e. HKDF-Expand with one block), so the pseudonym secret and the store key
of one coalition tell nothing about each other or about another coalition's.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _expand(label: str) -> bytes:
    master = settings.MASTER_KEY.encode("utf-8")
    return hmac.new(master, label.encode("utf-8") + b"\x01", hashlib.sha256).digest()


def _derive(purpose: str, coalition_id: int) -> bytes:
    return _expand(f"reentrykit/{purpose}/coalition/{coalition_id}")


def account_key(purpose: str) -> bytes:
    """A key for secrets of sign-in (``purpose``: what it protects), not of a coalition:
    the authenticator apps' keys and the recovery codes."""
    return _expand(f"reentrykit/{purpose}/accounts")


def store_key(coalition_id: int) -> str:
    """The DuckDB encryption key of the coalition's analytic store (hex)."""
    return _derive("store-encryption", coalition_id).hex()


def upload_key(coalition_id: int) -> bytes:
    """The AES-256 key that seals the coalition's uploads while they wait."""
    return _derive("upload-encryption", coalition_id)


def job_result_key(coalition_id: int) -> bytes:
    """The AES-256 key that seals person-level details the database keeps: what a failed
    job reports (it quotes the file's cells), an upload's headers awaiting mapping."""
    return _derive("job-result-encryption", coalition_id)


def review_key(coalition_id: int) -> bytes:
    """The HMAC key of what the review page showed of a pair, which its decision sends
    back (a bare hash of a name and a birth date would be a guessable identifier)."""
    return _derive("review-shown", coalition_id)


def pseudonym_secret(coalition_id: int) -> bytes:
    return _derive("person-key", coalition_id)


def person_key(secret: bytes, cluster_id: str) -> str:
    """A stable pseudonym: HMAC-SHA256 of the cluster id under the coalition's secret."""
    return hmac.new(secret, cluster_id.encode("utf-8"), hashlib.sha256).hexdigest()
