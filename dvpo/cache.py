"""The Redis cache stores JSON, never pickles.

Django's RedisCache pickles what it stores, and unpickling runs code chosen by whoever wrote
the bytes: anyone who can write to Redis (a shared instance, a leaked password, another
service on it) could run code in the app. JSONSerializer (CACHES' "serializer" option) keeps
plain JSON, plus a few tagged types the app caches: dates, datetimes, Decimals, tuples and
the dataclasses registered with @cacheable (reports' figures). Reading builds nothing else:
an unknown tag, or bytes that are not our JSON (an old pickle, something planted), read as
a miss (None), and the caller works the value out afresh.
"""

import dataclasses
import datetime as dt
import json
import logging
from decimal import Decimal

logger = logging.getLogger(__name__)

TAG = "__dvpo__"
_CACHEABLE: dict[str, type] = {}


def cacheable(cls: type) -> type:
    """Class decorator: this dataclass may be stored in and read back from the cache."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__qualname__} is not a dataclass")
    _CACHEABLE[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return cls


def _tagged(tag: str, value) -> dict:
    return {TAG: tag, "v": value}


def _encode(obj):  # noqa: PLR0911 - one branch per type, in the order they are checked
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, list):
        return [_encode(item) for item in obj]
    if isinstance(obj, tuple):
        return _tagged("tuple", [_encode(item) for item in obj])
    if isinstance(obj, dict):
        if not all(isinstance(key, str) for key in obj) or TAG in obj:
            return _tagged("dict", [[_encode(k), _encode(v)] for k, v in obj.items()])
        return {key: _encode(value) for key, value in obj.items()}
    if isinstance(obj, dt.datetime):
        return _tagged("datetime", obj.isoformat())
    if isinstance(obj, dt.date):
        return _tagged("date", obj.isoformat())
    if isinstance(obj, Decimal):
        return _tagged("decimal", str(obj))
    name = f"{type(obj).__module__}.{type(obj).__qualname__}"
    if dataclasses.is_dataclass(obj) and _CACHEABLE.get(name) is type(obj):
        fields = {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return {TAG: "dataclass", "type": name, "v": fields}
    raise TypeError(f"{name} cannot be cached: register it with @cacheable or cache plain data")


_DECODERS = {
    "tuple": tuple,
    "dict": lambda pairs: {key: value for key, value in pairs},
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "decimal": Decimal,
}


def _decode(obj: dict):
    tag = obj.get(TAG)
    if tag is None:
        return obj
    if tag == "dataclass":
        return _CACHEABLE[obj["type"]](**obj["v"])
    return _DECODERS[tag](obj["v"])


class JSONSerializer:
    """For django.core.cache.backends.redis.RedisCache (OPTIONS: serializer). Integers are
    stored as they are, as Django's own serializer does, so incr() and decr() still work."""

    def dumps(self, obj):
        if type(obj) is int:
            return obj
        return json.dumps(_encode(obj), separators=(",", ":")).encode()

    def loads(self, data):
        try:
            return int(data)
        except ValueError:
            pass
        try:
            return json.loads(data, object_hook=_decode)
        except (ValueError, KeyError, TypeError, ArithmeticError, RecursionError) as error:
            logger.warning("Cache entry that is not our JSON read as a miss: %s", error)
            return None
