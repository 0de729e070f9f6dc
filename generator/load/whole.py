"""The checks of a record as a whole (its model's after-validators: `end` after `start`, a fixed station's address, the
order of a suggestion's stages) for a record that failed the model. pydantic runs them only once every field passed,
so a bad phone number hid a missing address until it was fixed: here they run on the fields that passed, and a check
that reads a field that failed (or is missing) is left out. Only on the error path: a sound record had them run."""

from __future__ import annotations

import functools
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from generator.yamlnodes import Loc

from .fields import bare, variants


def whole_record_errors(model: type[BaseModel], value: Any, failed: set[Loc], loc: Loc = ()) -> list[dict[str, Any]]:
    """pydantic's error details (at pydantic's locations) of the checks as a whole of `model` and of every record in
    it, for `value` that failed with errors at `failed`."""
    if not isinstance(value, dict) or not any(f[: len(loc)] == loc for f in failed):
        return []  # a record that passed: pydantic ran its checks
    found, good = [], {}
    for name, info in model.model_fields.items():
        if name not in value:
            continue
        found += _within(info.annotation, value[name], failed, (*loc, name))
        if not any(f[: len(loc) + 1] == (*loc, name) for f in failed):
            try:
                good[name] = _adapter(model, name).validate_python(value[name])
            except ValidationError:  # the field's own error was said where it sits
                continue
    record = model.model_construct(**good)
    for name in (model.model_fields.keys() & value.keys()) - good.keys():
        record.__dict__.pop(name, None)  # written but failed, not left to its default: reading it is an AttributeError
    for decorator in model.__pydantic_decorators__.model_validators.values():
        if decorator.info.mode != "after":
            continue
        try:
            decorator.func(record)
        except AttributeError:  # it reads a field that failed
            continue
        except PydanticCustomError as error:
            ctx = error.context or {}
            found.append({"type": error.type, "loc": loc, "input": value, "ctx": ctx, "msg": error.message()})
    return found


def _within(annotation: Any, value: Any, failed: set[Loc], loc: Loc) -> list[dict[str, Any]]:
    """The records inside a field: a record, the items of a list, the variant of a tagged union its `kind` names."""
    annotation = bare(annotation)
    tags = variants(annotation)
    if tags:
        kind = value.get("kind") if isinstance(value, dict) else None
        return (
            whole_record_errors(tags[kind], value, failed, (*loc, kind))
            if isinstance(kind, str) and kind in tags
            else []
        )
    if get_origin(annotation) is list and isinstance(value, list):
        inner = get_args(annotation)[0]
        return [error for index, item in enumerate(value) for error in _within(inner, item, failed, (*loc, index))]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return whole_record_errors(annotation, value, failed, loc)
    return []


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    """One field of `model` on its own, with its constraints."""
    info = model.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, info])
