"""The API's reference page, rendered from its OpenAPI description.

A plain server-rendered page in the site's own style, so that it is usable by keyboard
and screen reader like every other page (an interactive OpenAPI explorer is not). Tools
read the same description as JSON at ``openapi.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reentrykit.api.api import api

METHODS = ("get", "post", "put", "patch", "delete")
REF = "#/components/schemas/"


@dataclass
class Field:
    name: str
    type: SafeString
    required: bool
    description: SafeString
    where: str = ""  # a parameter's place: path, query or header


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: SafeString
    parameters: list[Field] = field(default_factory=list)
    body_type: str = ""
    body: list[Field] = field(default_factory=list)
    responses: list[tuple[str, str, SafeString]] = field(default_factory=list)


@dataclass
class Schema:
    name: str
    description: SafeString
    properties: list[Field]


def prose(text: str) -> SafeString:
    """Escaped text with `code` spans and paragraphs (the descriptions' own markup)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    html = []
    for paragraph in paragraphs:
        escaped = str(escape(" ".join(paragraph.split())))
        html.append("<p>" + re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped) + "</p>")
    return mark_safe("".join(html))  # noqa: S308 - built from escaped text only


def type_of(schema: dict[str, Any]) -> SafeString:
    """A schema's type in words, linking to the named schemas it refers to."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return mark_safe(f'<a href="#schema-{escape(name)}">{escape(name)}</a>')  # noqa: S308
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            parts = [type_of(part) for part in schema[combinator]]
            return mark_safe(" or ".join(parts))  # noqa: S308 - each part is escaped
    if "enum" in schema:
        values = ", ".join(f"<code>{escape(value)}</code>" for value in schema["enum"])
        return mark_safe(f"one of {values}")  # noqa: S308 - each value is escaped
    kind = schema.get("type", "any")
    if kind == "array":
        return mark_safe(f"list of {type_of(schema.get('items', {}))}")  # noqa: S308
    if schema.get("format") == "binary":
        return mark_safe("file")
    words = f"{kind} ({schema['format']})" if "format" in schema else str(kind)
    return escape(words)


def _fields(properties: dict[str, Any], required: list[str]) -> list[Field]:
    return [
        Field(
            name=name,
            type=type_of(schema),
            required=name in required,
            description=prose(schema.get("description", "")),
        )
        for name, schema in properties.items()
    ]


def _operation(path: str, method: str, spec: dict[str, Any]) -> Operation:
    operation = Operation(
        anchor=spec.get("operationId", f"{method}-{path}"),
        method=method.upper(),
        path=path,
        summary=spec.get("summary", ""),
        description=prose(spec.get("description", "")),
    )
    for parameter in spec.get("parameters", []):
        operation.parameters.append(
            Field(
                name=parameter["name"],
                where=parameter["in"],
                type=type_of(parameter.get("schema", {})),
                required=bool(parameter.get("required")),
                description=prose(parameter.get("description", "")),
            )
        )
    for content_type, body in spec.get("requestBody", {}).get("content", {}).items():
        schema = body.get("schema", {})
        operation.body_type = content_type
        operation.body = _fields(schema.get("properties", {}), schema.get("required", []))
    for status, response in spec.get("responses", {}).items():
        schemas = [c.get("schema", {}) for c in response.get("content", {}).values()]
        shown = mark_safe(", ".join(type_of(s) for s in schemas if s))  # noqa: S308
        operation.responses.append((status, response.get("description", ""), shown))
    return operation


def reference_context() -> dict[str, Any]:
    description = api.get_openapi_schema(path_prefix=reverse("api:api-root"))
    operations = [
        _operation(path, method, spec)
        for path, methods in description["paths"].items()
        for method, spec in methods.items()
        if method in METHODS
    ]
    schemas = [
        Schema(
            name=name,
            description=prose(schema.get("description", "")),
            properties=_fields(schema.get("properties", {}), schema.get("required", [])),
        )
        for name, schema in sorted(description.get("components", {}).get("schemas", {}).items())
    ]
    return {
        "info": description["info"],
        "info_description": prose(description["info"].get("description", "")),
        "operations": operations,
        "schemas": schemas,
    }


def api_reference(request: HttpRequest) -> HttpResponse:
    return render(request, "api/reference.html", reference_context())
