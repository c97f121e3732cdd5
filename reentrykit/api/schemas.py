"""Shapes shared by the API's routers."""

from __future__ import annotations

from ninja import Schema

# Every coalition's resources sit under its slug.
COALITION = "/coalitions/{slug:coalition_slug}"


class Detail(Schema):
    detail: str


# What any operation may answer (README, "API"), for the OpenAPI description: 401
# without a valid token, 404 for a coalition the user is not in (or a job not there),
# 429 past the token's rate limit; and 403 for a role that may not do this.
ERRORS: dict[int, type[Schema]] = {401: Detail, 404: Detail, 429: Detail}
FORBIDDEN: dict[int, type[Schema]] = {403: Detail}
