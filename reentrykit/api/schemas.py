"""Shapes shared by the API's routers."""

from __future__ import annotations

from ninja import Schema

# Every coalition's resources sit under its slug.
COALITION = "/coalitions/{slug:coalition_slug}"


class Detail(Schema):
    detail: str
