"""Drawn pages kept in the shared cache and, the most recent, in this process: bounded in time and in size."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from responses import kept


def drawn(text: str) -> SimpleNamespace:
    return SimpleNamespace(html=text)


@pytest.fixture(autouse=True)
def _room(monkeypatch):
    monkeypatch.setattr(kept, "MEMORY_CHARACTERS", 100)
    kept.forget()  # a process that kept nothing yet
    yield
    kept.forget()


def test_a_page_is_read_back_until_its_time_is_over():
    kept.put("page-a", drawn("<li>a</li>"), seconds=60)
    assert kept.get("page-a").html == "<li>a</li>"
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert kept.get("page-a") is None


def test_another_process_reads_it_from_the_shared_cache():
    kept.put("page-b", drawn("<li>b</li>"), seconds=60)
    kept.put("page-z", drawn("<li>z</li>"), seconds=60)
    kept.forget()  # as a fresh worker would start
    assert kept.get("page-b").html == "<li>b</li>"
    cache.clear()
    assert kept.get("page-b").html == "<li>b</li>"  # now from this process's copy
    assert kept.get("page-z") is None  # read by neither: in neither


def test_memory_holds_the_most_recently_used_within_its_bound():
    for name in "cdef":
        kept.put(f"page-{name}", drawn(name * 24), seconds=60)
    kept.get("page-c")  # used again: the oldest is now d
    kept.put("page-g", drawn("g" * 24), seconds=60)
    kept.put("page-long", drawn("x" * 30), seconds=60)  # over a quarter of the room: shared cache only
    assert kept.get("page-long").html == "x" * 30
    cache.clear()  # what is left is what this process kept in memory
    assert {name for name in ("c", "d", "e", "f", "g", "long") if kept.get(f"page-{name}")} == {"c", "e", "f", "g"}
