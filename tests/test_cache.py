"""The Redis cache stores JSON (dvpo/cache.py): what the app caches reads back the same, and
a pickle planted in Redis is never unpickled."""

import datetime as dt
import pickle
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache

from dvpo.cache import JSONSerializer, cacheable
from dvpo.tasks import HEARTBEAT_KEY, heartbeat

KEY = "test:cache:json"
UNPICKLED = []


def _planted():
    UNPICKLED.append("ran")  # what an attacker's pickle would do: run code
    return "planted"


class Planted:
    def __reduce__(self):
        return (_planted, ())


@cacheable
@dataclass
class Sample:
    name: str
    rows: list[tuple[str, list[int]]]
    when: dt.datetime
    day: dt.date
    amount: Decimal
    nested: "Sample | None" = None


@dataclass
class NotRegistered:
    name: str


@pytest.fixture
def key():
    yield KEY
    cache.delete(KEY)


def test_the_cache_uses_the_json_serializer():
    from django.conf import settings

    assert settings.CACHES["default"]["OPTIONS"]["serializer"] == "dvpo.cache.JSONSerializer"
    assert isinstance(cache._cache._serializer, JSONSerializer)


def test_what_the_app_caches_reads_back_the_same(key):
    when = dt.datetime(2026, 3, 6, 9, 0, tzinfo=dt.UTC)
    value = Sample(
        name="East BCU",
        rows=[("2025-03", [0, 1, 2])],
        when=when,
        day=dt.date(2026, 3, 6),
        amount=Decimal("85.7"),
        nested=Sample("inner", [], when, dt.date(2026, 1, 1), Decimal(0)),
    )
    cache.set(key, value, 60)
    assert cache.get(key) == value
    plain = {"a": [1, 2.5, None, True], "b": (1, "x"), "__dvpo__": "not a tag", 3: "int key"}
    cache.set(key, plain, 60)
    assert cache.get(key) == plain


def test_counters_still_count(key):
    cache.set(key, 1, 60)
    assert cache.incr(key) == 2
    assert cache.get(key) == 2


def test_the_heartbeat_is_kept():
    stamp = heartbeat()
    assert cache.get(HEARTBEAT_KEY) == stamp


def test_an_unregistered_object_is_refused_rather_than_pickled(key):
    with pytest.raises(TypeError, match="cannot be cached"):
        cache.set(key, NotRegistered("x"), 60)
    with pytest.raises(TypeError, match="cannot be cached"):
        cache.set(key, object(), 60)


def test_a_pickle_planted_in_redis_is_not_unpickled(key):
    """Someone who can write to Redis stores a pickle under a key the app reads."""
    client = cache._cache.get_client(write=True)
    client.set(cache.make_and_validate_key(key), pickle.dumps(Planted()))
    # What unpickling it would do (this test's own bytes):
    assert pickle.loads(pickle.dumps(Planted())) == "planted"  # noqa: S301
    UNPICKLED.clear()
    assert cache.get(key) is None  # a miss: the caller works the value out afresh
    assert UNPICKLED == []


@pytest.mark.parametrize(
    "payload",
    [
        b'{"__dvpo__": "dataclass", "type": "os.system", "v": {"command": "true"}}',
        b'{"__dvpo__": "dataclass", "type": "tests.test_cache.Sample", "v": {"bad": 1}}',
        b'{"__dvpo__": "nonsense", "v": 1}',
        b'{"__dvpo__": "decimal", "v": "not a number"}',
        b"\x80\x04\x95 not json",
        b"[" * 100_000,
    ],
)
def test_planted_json_builds_nothing_but_registered_types(key, payload):
    client = cache._cache.get_client(write=True)
    client.set(cache.make_and_validate_key(key), payload)
    assert cache.get(key) is None


@pytest.mark.django_db
def test_the_reports_dashboard_is_stored_as_json_and_read_back(settings, force, bcu):
    from reports import figures

    settings.REPORT_CACHE_SECONDS = 600
    scope = figures.Scope(force.pk, figures.Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31)))
    key = figures.dashboard_key(scope, by_flag_date=False)
    try:
        worked_out = figures.dashboard(scope, [bcu], by_flag_date=False)
        raw = cache._cache.get_client().get(cache.make_and_validate_key(key))
        assert raw.startswith(b'{"__dvpo__":"dataclass","type":"reports.figures.Dashboard"')
        assert figures.dashboard(scope, [bcu], by_flag_date=False) == worked_out
    finally:
        cache.delete(key)
