"""Base of the generated model classes (``prove_sdk._generated.models``).

A generated class is only a table of fields: one annotated attribute per field of prove-core's
model metadata, each assigned ``field(wire, type_expression, ...)``::

    class Address(Model):
        city: Optional[str] = field("city", "string", default=None, sensitive=True)

This module turns that table into the behaviour every model shares:

- a keyword constructor (snake_case names; required fields have no default),
- ``from_dict`` reading Prove's wire names, building nested models and lists or maps of them,
  and keeping keys this version does not know,
- ``to_dict`` giving wire names back (unknown keys included, unset fields omitted),
- ``==`` (same class, same fields, same unknown keys),
- a ``repr`` that shows ``<redacted>`` for personal data and secrets, and hides the values of
  unknown keys (whether they are personal data cannot be known).

Type expressions are those of ``prove_core::models::meta``: ``string``, ``boolean``,
``integer``, ``number``, ``object`` (free-form JSON), ``array<T>``, ``map<T>`` (string keys),
``enum:Name`` (a string: known values are listed in ``_generated.enums``, others are kept as
sent), ``ref:Name`` (another model of the module that defines the field) and
``union<A|B>`` (a value of one of the alternatives: an object is read as the alternative it
fits, told apart by its fields, e.g. the two shapes of a batch-enrol item).
"""
from __future__ import annotations

import copy
import sys
from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

__all__ = ["Field", "Model", "REDACTED", "field", "fields"]

_T = TypeVar("_T")
_M = TypeVar("_M", bound="Model")

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_kwargs: Any) -> Callable[[_T], _T]:
        """Tells type checkers how model classes are built; nothing to do at run time."""

        def decorate(obj: _T) -> _T:
            return obj

        return decorate


REDACTED = "<redacted>"
"""What ``repr`` shows instead of personal data and secrets."""


# A parsed type expression: (kind, argument), where kind is "scalar", "enum", "ref", "array",
# "map" or "union" and the argument is a scalar name, an enum or model name, the parsed element
# type, or the tuple of parsed alternatives.
_Type = Tuple[str, Any]

_SCALARS = ("string", "boolean", "integer", "number", "object")


def _alternatives(inner: str) -> List[str]:
    """The alternatives of a union's inside ``A|B``, split at the top level only."""
    parts: List[str] = []
    depth = start = 0
    for i, c in enumerate(inner):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts


def _parse(expr: str) -> _Type:
    if expr.startswith("union<") and expr.endswith(">"):
        alternatives = _alternatives(expr[len("union<") : -1])
        if len(alternatives) < 2:
            raise ValueError(f"unknown type expression {expr!r}")
        return ("union", tuple(_parse(a) for a in alternatives))
    if expr.startswith("array<") and expr.endswith(">"):
        return ("array", _parse(expr[len("array<") : -1]))
    if expr.startswith("map<") and expr.endswith(">"):
        return ("map", _parse(expr[len("map<") : -1]))
    if expr.startswith("ref:") and len(expr) > len("ref:"):
        return ("ref", expr[len("ref:") :])
    if expr.startswith("enum:") and len(expr) > len("enum:"):
        return ("enum", expr[len("enum:") :])
    if expr in _SCALARS:
        return ("scalar", expr)
    raise ValueError(f"unknown type expression {expr!r}")


_PLAIN: Dict[_Type, type] = {
    ("scalar", "string"): str,
    ("scalar", "boolean"): bool,
    ("scalar", "integer"): int,
}


class _Required:
    def __repr__(self) -> str:
        return "<required>"


_REQUIRED: Any = _Required()


class Field:
    """One entry of a model's field table."""

    __slots__ = ("name", "wire", "type", "required", "sensitive", "parsed", "module", "plain")

    name: str
    """The attribute (snake_case) name; set when the class is created."""
    wire: str
    """Prove's JSON name."""
    type: str
    """The type expression of prove-core's metadata."""
    required: bool
    sensitive: bool
    """Personal data or a secret: ``repr`` shows ``<redacted>``."""
    parsed: _Type
    """The parsed type expression."""
    module: str
    """The module of the class that declares the field (where ``ref:`` names are looked up)."""
    plain: Optional[Type[Any]]
    """The exact Python type (``str``, ``bool``, ``int``) of a scalar or enum value that decodes
    to itself, for a fast path; ``None`` for other types."""

    def __init__(self, wire: str, type: str, required: bool, sensitive: bool) -> None:
        self.name = ""
        self.wire = wire
        self.type = type
        self.required = required
        self.sensitive = sensitive
        self.parsed = _parse(type)
        self.module = ""
        self.plain = _PLAIN.get(self.parsed) or (str if self.parsed[0] == "enum" else None)

    def __repr__(self) -> str:
        flags = "".join(
            f", {flag}=True" for flag in ("required", "sensitive") if getattr(self, flag)
        )
        return f"Field({self.name!r}, wire={self.wire!r}, type={self.type!r}{flags})"


def field(wire: str, type: str, *, default: Any = _REQUIRED, sensitive: bool = False) -> Any:
    """Declares a model field: its wire name and type expression.

    A field without ``default`` is required; ``default=None`` (the only other default) makes it
    optional. ``sensitive`` marks personal data and secrets.
    """
    if default is not _REQUIRED and default is not None:
        raise ValueError("a model field's default can only be None")
    return Field(wire, type, required=default is _REQUIRED, sensitive=sensitive)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _as_array(value: object) -> Optional[Sequence[Any]]:
    items = cast("Sequence[Any]", value)
    return items if isinstance(value, (list, tuple)) else None


def _as_object(value: object) -> Optional[Mapping[Any, Any]]:
    entries = cast("Mapping[Any, Any]", value)
    # A dict (what JSON gives) is told apart without the slower abstract-class check.
    return entries if type(value) is dict or isinstance(value, Mapping) else None


def _decode(t: _Type, module: str, value: Any, path: str, own: bool = False) -> Any:
    """A value read from JSON, checked against its type; nested models are built. With ``own``
    the value is the caller's to give away (JSON just parsed), so free-form values are kept as
    they are instead of copied."""
    kind, arg = t
    if kind == "scalar":
        if arg == "object":
            return value if own else copy.deepcopy(value)
        if arg == "string":
            ok = isinstance(value, str)
        elif arg == "boolean":
            ok = isinstance(value, bool)
        elif arg == "integer":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            ok = _is_int(value)
        else:
            ok = _is_int(value) or isinstance(value, float)
        if not ok:
            raise TypeError(f"{path}: expected {arg}, got {type(value).__name__}")
        return value
    if kind == "enum":
        if not isinstance(value, str):
            raise TypeError(f"{path}: expected a string ({arg}), got {type(value).__name__}")
        return value
    if kind == "ref":
        return _decode_object(_model_class(module, arg), value, path, own)
    if kind == "union":
        return _decode_union(arg, module, value, path, own)
    if kind == "array":
        items = _as_array(value)
        if items is None:
            raise TypeError(f"{path}: expected an array, got {type(value).__name__}")
        return [_decode(arg, module, item, f"{path}[{i}]", own) for i, item in enumerate(items)]
    entries = _as_object(value)
    if entries is None:
        raise TypeError(f"{path}: expected an object (map), got {type(value).__name__}")
    out: Dict[str, Any] = {}
    for key, item in entries.items():
        if not isinstance(key, str):
            raise TypeError(f"{path}: map keys must be strings")
        # Keys of maps are data, so they are left out of messages.
        out[key] = _decode(arg, module, item, f"{path}[...]", own)
    return out


def _decode_union(
    alternatives: Tuple[_Type, ...], module: str, value: Any, path: str, own: bool = False
) -> Any:
    """The value as the alternative it fits best: of those it decodes as, the one that leaves
    the fewest keys unknown (the first on a tie)."""
    best: Any = None
    best_unknown = -1
    problems: List[str] = []
    for alternative in alternatives:
        try:
            decoded = _decode(alternative, module, value, path, own)
        except (TypeError, ValueError) as e:
            problems.append(str(e))
            continue
        unknown = len(decoded.unknown_fields) if isinstance(decoded, Model) else 0
        if best_unknown < 0 or unknown < best_unknown:
            best, best_unknown = decoded, unknown
    if best_unknown < 0:
        raise TypeError(f"{path}: fits none of the alternatives ({'; '.join(problems)})")
    return best


def _encode(t: _Type, value: Any, copy_values: bool = True) -> Any:
    """The JSON form of a field value (models become dicts with wire names). Without
    ``copy_values`` (a request about to be serialised) other values are not copied."""
    cls = type(value)
    if cls is str or cls is int or cls is bool or cls is float or value is None:
        return value  # immutable: nothing to copy
    kind, arg = t
    if isinstance(value, Model):
        return value.to_dict()
    items = _as_array(value) if kind == "array" else None
    if items is not None:
        return [_encode(arg, item, copy_values) for item in items]
    entries = _as_object(value) if kind == "map" else None
    if entries is not None:
        return {key: _encode(arg, item, copy_values) for key, item in entries.items()}
    return copy.deepcopy(value) if copy_values else value


def _model_class(module: str, name: str) -> Type[Model]:
    cls = getattr(sys.modules[module], name, None)
    if not (isinstance(cls, type) and issubclass(cls, Model)):
        raise TypeError(f"ref:{name} does not name a model of {module}")
    return cls


class _Table:
    """The field table of one model class, by attribute and by wire name, and what decoding
    needs at hand: a plain dict by wire name, the required fields, every attribute unset."""

    __slots__ = ("fields", "by_name", "by_wire", "wire", "required", "unset")

    def __init__(self, fields: Tuple[Field, ...]) -> None:
        self.fields = fields
        self.wire: Dict[str, Field] = {f.wire: f for f in fields}
        self.by_name: Mapping[str, Field] = MappingProxyType({f.name: f for f in fields})
        self.by_wire: Mapping[str, Field] = MappingProxyType(self.wire)
        self.required = tuple(f for f in fields if f.required)
        self.unset: Dict[str, Any] = {f.name: None for f in fields}


_TABLES: Dict[type, _Table] = {}


def _table(cls: type) -> _Table:
    for klass in cls.__mro__:
        table = _TABLES.get(klass)
        if table is not None:
            return table
    return _Table(())


def fields(model: Union[Model, Type[Model]]) -> Tuple[Field, ...]:
    """The field table of a model class (or of a model's class), in declaration order."""
    return _table(model if isinstance(model, type) else type(model)).fields


@dataclass_transform(kw_only_default=True, field_specifiers=(field,))
class Model:
    """Base class of the generated models (see the module's documentation).

    Models compare by value and are mutable, so they are not hashable.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherited = _table(cls)
        declared: List[Field] = list(inherited.fields)
        for name, value in list(cls.__dict__.items()):
            if not isinstance(value, Field):
                continue
            if name in inherited.by_name:
                raise TypeError(f"{cls.__name__}.{name} is declared twice")
            value.name = name
            value.module = cls.__module__
            declared.append(value)
            # Instances always hold every field; the class keeps only the table.
            delattr(cls, name)
        wires: Set[str] = set()
        for f in declared:
            if f.wire in wires:
                raise TypeError(f"{cls.__name__}: wire name {f.wire!r} is declared twice")
            wires.add(f.wire)
        _TABLES[cls] = _Table(tuple(declared))

    def __init__(self, **kwargs: Any) -> None:
        cls = type(self)
        table = _table(cls)
        for name in kwargs:
            if name not in table.by_name:
                raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {name!r}")
        missing = [f.name for f in table.fields if f.required and kwargs.get(f.name) is None]
        if missing:
            raise TypeError(
                f"{cls.__name__}() is missing required keyword argument(s): {', '.join(missing)}"
            )
        for f in table.fields:
            setattr(self, f.name, kwargs.get(f.name))
        self._unknown: Dict[str, Any] = {}

    @classmethod
    def from_dict(cls: Type[_M], data: Mapping[str, Any]) -> _M:
        """The model of a JSON object with Prove's wire names.

        Nested models, and lists and maps of them, are built too; keys this version does not
        know are kept (see :attr:`unknown_fields`) and given back by :meth:`to_dict`. A null
        value counts as absent. Raises ``TypeError`` when a value has the wrong type and
        ``ValueError`` when a required field is missing (naming the field, never the value).
        """
        return _decode_object(cls, data, cls.__name__)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object of this model, with Prove's wire names.

        Fields that are unset (``None``) are omitted; unknown keys read by :meth:`from_dict` are
        included. The result shares nothing with the model.
        """
        out: Dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name, None)
            if value is not None:
                out[f.wire] = _encode(f.parsed, value)
        for key, value in self._unknown_dict().items():
            if key not in out:
                out[key] = copy.deepcopy(value)
        return out

    @property
    def unknown_fields(self) -> Mapping[str, Any]:
        """Keys of the JSON object this version does not know, with their values (read-only)."""
        return MappingProxyType(self._unknown_dict())

    def _unknown_dict(self) -> Dict[str, Any]:
        unknown: Optional[Dict[str, Any]] = self.__dict__.get("_unknown")
        return unknown if unknown is not None else {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model) or type(other) is not type(self):
            return NotImplemented
        return all(
            getattr(self, f.name, None) == getattr(other, f.name, None) for f in fields(self)
        ) and self._unknown_dict() == other._unknown_dict()

    def __repr__(self) -> str:
        parts: List[str] = []
        for f in fields(self):
            value = getattr(self, f.name, None)
            if value is None:
                continue
            parts.append(f"{f.name}={REDACTED if f.sensitive else repr(value)}")
        unknown = self._unknown_dict()
        if unknown:
            hidden = ", ".join(f"{key!r}: {REDACTED}" for key in unknown)
            parts.append(f"unknown_fields={{{hidden}}}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _from_owned_json(cls: Type[_M], data: object) -> _M:
    """:meth:`Model.from_dict` of JSON the caller has just parsed and gives away: free-form
    values and unknown keys are kept as they are instead of copied."""
    return _decode_object(cls, data, cls.__name__, own=True)


def _decode_object(cls: Type[_M], data: object, path: str, own: bool = False) -> _M:
    """The model ``cls`` of a JSON object (see :meth:`Model.from_dict`); ``own`` as for
    :func:`_decode`."""
    entries = _as_object(data)
    if entries is None:
        raise TypeError(f"{path}: expected an object, got {type(data).__name__}")
    table = _table(cls)
    by_wire = table.wire
    values = table.unset.copy()
    unknown: Dict[str, Any] = {}
    for key, value in entries.items():
        f = by_wire.get(key) if type(key) is str else None
        if f is None:
            unknown[str(key)] = value if own else copy.deepcopy(value)
        elif value is not None:
            if type(value) is f.plain:
                values[f.name] = value  # a str, bool or int where one is expected: as it is
            else:
                values[f.name] = _decode(f.parsed, f.module, value, f"{path}.{f.wire}", own)
    missing = [f.wire for f in table.required if values[f.name] is None]
    if missing:
        raise ValueError(f"{path}: missing required field(s): {', '.join(missing)}")
    obj = cls.__new__(cls)
    values["_unknown"] = unknown
    obj.__dict__.update(values)
    return obj
