"""JSON Schemas of the content files, so that editors' YAML editors complete field names and flag mistakes as they type.

They come from the model (one place for every field), with Chinese titles. Area codes and phone numbers may also be
integers: a YAML editor reads an unquoted `990102` as a number, while the loader reads every value as text.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from generator import event_model, messages, model, scheme_model

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NUMERIC_TEXT = {model.AREA_CODE_PATTERN, model.PHONE_PATTERN}


def json_schemas() -> dict[str, dict[str, Any]]:
    """`{"deputy": ..., "station": ..., "areas": ..., "records": ..., "scoring": ..., "event": ...}`, written by the
    CLI as `<name>.schema.json`."""
    schemas = {
        "deputy": _schema(model.Deputy),
        "station": _schema(model.Station),
        "areas": _list_of(model.Area),
        "records": _schema(model.ActivityFile),
        "scoring": _list_of(scheme_model.Scheme),
        "event": _schema(event_model.StationEvent),
    }
    labelled = {}
    for name, schema in schemas.items():
        title, description = messages.SCHEMA_TITLES[name]
        labelled[name] = {"$schema": DRAFT, **schema, "title": title, "description": description}
    return labelled


def _list_of(record: type[BaseModel]) -> dict[str, Any]:
    """A file whose top level is a list of records; definitions stay at the top, where `$ref`s look for them."""
    items = _schema(record)
    definitions = items.pop("$defs", None)
    return {"type": "array", "items": items, **({"$defs": definitions} if definitions else {})}


def _schema(record: type[BaseModel]) -> dict[str, Any]:
    schema = record.model_json_schema()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        definition.pop("description", None)  # the model's docstring, written for programmers
        definition["title"] = messages.RECORD_TITLES.get(definition["title"], definition["title"])
        for name, field in definition.get("properties", {}).items():
            field["title"] = messages.FIELD_TITLES.get(name, field.get("title", name))
            _annotate(field)
    return schema


def _annotate(node: Any) -> None:
    """Label enums with their Chinese names and let numeric-looking text be written unquoted."""
    if isinstance(node, list):
        for item in node:
            _annotate(item)
    elif isinstance(node, dict):
        if "enum" in node and "description" not in node:
            node["description"] = "可选：" + messages.choices(node["enum"])
        if node.get("pattern") in NUMERIC_TEXT and node.get("type") == "string":
            node["type"] = ["string", "integer"]
        for key, value in node.items():
            if key != "$defs":
                _annotate(value)
