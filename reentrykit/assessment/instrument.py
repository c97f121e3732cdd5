"""The RPCA instrument: versioned YAML files, validated against a JSON Schema on load.

An instrument file is ``instruments/rpca-<version>.yaml``. Loading checks it against
``instruments/schema.json`` and then the rules a schema cannot express (item keys
unique and inside their component, sectors known, data indicators declared). Every
problem is reported with the file and the item it concerns.

Parsed instruments are cached by the hash of their content. A round stores the
content of the version it used (``InstrumentVersion``), so a round always reads its
own questions even after new versions are added; ``services.instrument_version_record``
refuses a file whose version is already stored with different content.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.conf import settings

from reentrykit.coalitions.sectors import Sector

DEFAULT_INSTRUMENT_DIR = Path(__file__).resolve().parent / "instruments"
SCHEMA_PATH = DEFAULT_INSTRUMENT_DIR / "schema.json"
FILE_PATTERN = re.compile(r"^rpca-(?P<version>[0-9A-Za-z][0-9A-Za-z._-]*)\.yaml$")
RATINGS = (0, 1, 2, 3)


class InstrumentError(ValueError):
    """An instrument file that cannot be used; the message names the file and item."""


@dataclass(frozen=True)
class ScaleLevel:
    rating: int
    label: str
    summary: str


@dataclass(frozen=True)
class Item:
    key: str
    component_key: str
    statement: str
    levels: tuple[str, str, str, str]
    guidance: str
    questions: tuple[str, ...]
    evidence: tuple[str, ...]
    sectors: tuple[str, ...]
    data_indicator: str | None = None

    @property
    def dom_id(self) -> str:
        return "item-" + re.sub(r"[^0-9A-Za-z]+", "-", self.key)

    @property
    def sector_labels(self) -> list[str]:
        return [Sector(code).label for code in self.sectors]


@dataclass(frozen=True)
class Component:
    key: str
    title: str
    summary: str
    items: tuple[Item, ...]
    tools_for_change: tuple[str, ...] = ()
    library_practices: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.key} {self.title}"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    summary: str
    components: tuple[Component, ...]

    @property
    def items(self) -> list[Item]:
        return [item for component in self.components for item in component.items]

    @property
    def label(self) -> str:
        return f"{self.key}. {self.title}"


@dataclass(frozen=True, eq=False)
class Instrument:
    version: str
    title: str
    description: str
    scale: tuple[ScaleLevel, ...]
    data_indicators: dict[str, str]
    sections: tuple[Section, ...]
    content: dict[str, Any] = field(repr=False)
    content_hash: str = ""

    @functools.cached_property
    def _items(self) -> dict[str, Item]:
        return {item.key: item for section in self.sections for item in section.items}

    @functools.cached_property
    def _components(self) -> dict[str, Component]:
        return {
            component.key: component
            for section in self.sections
            for component in section.components
        }

    def items(self) -> list[Item]:
        return list(self._items.values())

    def item(self, key: str) -> Item | None:
        return self._items.get(key)

    def component(self, key: str) -> Component | None:
        return self._components.get(key)

    def components(self) -> list[Component]:
        return list(self._components.values())

    def section(self, key: str) -> Section | None:
        return next((section for section in self.sections if section.key == key), None)

    def indicator_label(self, key: str | None) -> str:
        return self.data_indicators.get(key or "", key or "")

    def level_label(self, rating: int | None) -> str:
        if rating is None:
            return "Don't know"
        return self.scale[rating].label


# -- loading -----------------------------------------------------------------


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when built


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A YAML loader that refuses a mapping with the same key twice."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


def instrument_dir() -> Path:
    return Path(getattr(settings, "ASSESSMENT_INSTRUMENT_DIR", DEFAULT_INSTRUMENT_DIR))


def instrument_files(directory: Path | None = None) -> dict[str, Path]:
    """The instrument files by version, oldest version first."""
    directory = directory or instrument_dir()
    found = {}
    for path in directory.glob("rpca-*.yaml"):
        match = FILE_PATTERN.match(path.name)
        if match:
            found[match.group("version")] = path
    return dict(sorted(found.items(), key=lambda pair: _natural(pair[0])))


def latest_version(directory: Path | None = None) -> str:
    versions = list(instrument_files(directory))
    if not versions:
        raise InstrumentError(
            f"No instrument files (rpca-*.yaml) in {directory or instrument_dir()}."
        )
    return versions[-1]


def load_instrument(version: str | None = None, *, directory: Path | None = None) -> Instrument:
    """The instrument of ``version`` (the latest when None), read from its YAML file."""
    files = instrument_files(directory)
    version = version or latest_version(directory)
    if version not in files:
        known = ", ".join(files) or "none"
        raise InstrumentError(f"There is no instrument version {version!r} (known: {known}).")
    instrument = load_instrument_file(files[version])
    if instrument.version != version:
        raise InstrumentError(
            f"{files[version].name}: the file says version {instrument.version!r}; "
            f"the file name says {version!r}."
        )
    return instrument


def load_instrument_file(path: Path) -> Instrument:
    raw = path.read_bytes()
    return _load_bytes(path.name, raw)


@functools.lru_cache(maxsize=32)
def _load_bytes(source: str, raw: bytes) -> Instrument:
    try:
        data = yaml.load(raw, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InstrumentError(f"{source}: not valid YAML: {exc}") from None
    return parse_instrument(_json_ready(data), source=source)


def parse_instrument(data: Any, *, source: str) -> Instrument:
    """Validate ``data`` (already JSON-shaped) and build the instrument, or raise."""
    problems = _schema_problems(data, source)
    if not problems:
        problems = _rule_problems(data)
    if problems:
        raise InstrumentError("\n".join(f"{source}: {problem}" for problem in problems))
    return _build(data)


_STORED: dict[str, Instrument] = {}


def instrument_from_content(content: dict[str, Any], *, digest: str | None = None) -> Instrument:
    """The instrument stored with a round (already validated when it was stored).

    ``digest`` is the stored content hash; with it, a parsed instrument is reused
    without hashing the content again (pages and imports ask for it many times).
    """
    digest = digest or content_hash(content)
    instrument = _STORED.get(digest)
    if instrument is None:
        instrument = _STORED[digest] = _build(content)
    return instrument


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_all_instruments(directory: Path | None = None) -> list[str]:
    """Problems in any instrument file; used by the system check."""
    problems = []
    for version in instrument_files(directory):
        try:
            load_instrument(version, directory=directory)
        except InstrumentError as exc:
            problems.append(str(exc))
    return problems


# -- validation --------------------------------------------------------------


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _schema_problems(data: Any, source: str) -> list[str]:
    errors = sorted(_validator().iter_errors(data), key=lambda error: list(error.absolute_path))
    return [f"{_where(data, list(error.absolute_path))}{_say(error)}" for error in errors[:20]]


def _where(data: Any, path: list[Any]) -> str:
    """'item 1.1.a, levels: ' for a path into the instrument: the innermost named part."""
    names = {"sections": "section", "components": "component", "items": "item"}
    label = ""
    rest: list[str] = []
    node = data
    index = 0
    while index < len(path):
        step = path[index]
        children = node.get(step) if isinstance(node, dict) else None
        if step in names and index + 1 < len(path) and isinstance(children, list):
            position = path[index + 1]
            node = children[position]
            key = node.get("key") if isinstance(node, dict) else None
            label = (
                f"{names[step]} {key}" if isinstance(key, str) else f"{names[step]} #{position + 1}"
            )
            rest = []
            index += 2
            continue
        rest.append(str(step))
        node = node[step] if isinstance(node, dict | list) else None
        index += 1
    parts = [part for part in (label, ".".join(rest)) if part]
    return (", ".join(parts) + ": ") if parts else ""


def _say(error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        if path[-1:] in (["levels"], ["scale"]):
            return f"missing level {name}"
        return f"missing {name}"
    if error.validator in ("minItems", "maxItems") and path[-1:] == ["items"]:
        return f"a component needs 3 to 6 items ({len(error.instance)} given)"
    return error.message


def _rule_problems(data: dict[str, Any]) -> list[str]:
    problems = []
    indicators = set(data.get("data_indicators", {}))
    seen_items: set[str] = set()
    seen_components: set[str] = set()
    seen_sections: set[str] = set()
    for section in data["sections"]:
        if section["key"] in seen_sections:
            problems.append(f"section {section['key']}: duplicate section key")
        seen_sections.add(section["key"])
        for component in section["components"]:
            ckey = component["key"]
            if ckey in seen_components:
                problems.append(f"component {ckey}: duplicate component key")
            seen_components.add(ckey)
            if not ckey.startswith(section["key"] + "."):
                problems.append(f"component {ckey}: key must start with {section['key']}.")
            for item in component["items"]:
                key = item["key"]
                if key in seen_items:
                    problems.append(f"item {key}: duplicate item key")
                seen_items.add(key)
                if not key.startswith(ckey + "."):
                    problems.append(f"item {key}: key must start with {ckey}.")
                for sector in item["sectors"]:
                    if sector not in Sector.values:
                        problems.append(f"item {key}: unknown sector {sector!r}")
                indicator = item.get("data_indicator")
                if indicator is not None and indicator not in indicators:
                    problems.append(
                        f"item {key}: data indicator {indicator!r} is not listed "
                        "under data_indicators"
                    )
    return problems


# -- building ----------------------------------------------------------------


def _build(data: dict[str, Any]) -> Instrument:
    sections = tuple(
        Section(
            key=section["key"],
            title=section["title"],
            summary=section.get("summary", ""),
            components=tuple(_component(component) for component in section["components"]),
        )
        for section in data["sections"]
    )
    scale = tuple(
        ScaleLevel(
            rating, data["scale"][str(rating)]["label"], data["scale"][str(rating)]["summary"]
        )
        for rating in RATINGS
    )
    return Instrument(
        version=data["version"],
        title=data["title"],
        description=data.get("description", ""),
        scale=scale,
        data_indicators=dict(data.get("data_indicators", {})),
        sections=sections,
        content=data,
        content_hash=content_hash(data),
    )


def _component(data: dict[str, Any]) -> Component:
    return Component(
        key=data["key"],
        title=data["title"],
        summary=data.get("summary", ""),
        tools_for_change=tuple(data.get("tools_for_change", ())),
        library_practices=tuple(data.get("library_practices", ())),
        items=tuple(
            Item(
                key=item["key"],
                component_key=data["key"],
                statement=item["statement"],
                levels=tuple(item["levels"][str(rating)] for rating in RATINGS),  # type: ignore[arg-type]
                guidance=item["guidance"],
                questions=tuple(item["questions"]),
                evidence=tuple(item["evidence"]),
                sectors=tuple(item["sectors"]),
                data_indicator=item.get("data_indicator"),
            )
            for item in data["items"]
        ),
    )


def _json_ready(value: Any) -> Any:
    """YAML mapping keys such as ``0:`` become strings, as they would be in JSON."""
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value


def _natural(version: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", version)]
