"""A pytest plugin for ``make test-fast``: run the test files in N processes at once, each collecting only its share.

pytest-xdist's workers each collect (import) every test file, and its controller sets Django up and reads
every report, though it runs no test (docs/testing.md says what that cost). Here each of N plain pytest
processes (``-p config.tests.shards --shard K/N``, started by ``scripts/test-fast``) is given whole test
files, so each file is imported once and there is no controller.

The files are shared out by what each cost in its last runs (each process records its files' CPU time
in ``var/test-fast/``; the median of the last ``KEPT`` is used), so the processes end together; a file not
yet recorded is weighed by its size. Every process works out the same split from the same paths and the costs
recorded before the run began (``--shard-started``, the same for all).
"""

import fnmatch
import json
import os
import statistics
import time
from pathlib import Path

import pytest

_PARTS = pytest.StashKey[dict[Path, int]]()
_STARTED = pytest.StashKey[float]()
_SPENT = pytest.StashKey[dict[str, float]]()
# Measurements kept for each file. One run's can be far off: a process's first-time work (templates compiled,
# modules imported lazily) lands on whichever file it runs first, and that file moves between runs.
KEPT = 5


def pytest_addoption(parser):
    group = parser.getgroup("shards")
    group.addoption("--shard", metavar="K/N", help="collect only the Kth of N shares of the test files")
    group.addoption(
        "--shard-started",
        type=float,
        metavar="SECONDS",
        help="when the run began (Unix time, the same in every process): costs recorded later are not used",
    )


def pytest_configure(config):
    config.stash[_STARTED] = time.time()


def _shard(config) -> tuple[int, int] | None:
    value = config.getoption("shard")
    if not value:
        return None
    try:
        index, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise pytest.UsageError(f"--shard wants K/N, such as 1/2, not {value!r}") from None
    if not 1 <= index <= count:
        raise pytest.UsageError(f"--shard {value}: K must be between 1 and N")
    return index, count


def _record_folder() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "test-fast"


def _is_test_file(config, path: Path) -> bool:
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in config.getini("python_files"))


def _named_files(config) -> set[Path]:
    """The files the run's paths name themselves (pytest insists on collecting those)."""
    paths = ((config.invocation_params.dir / arg.split("::")[0]).resolve() for arg in config.args)
    return {path for path in paths if path.is_file()}


def _test_files(config) -> list[Path]:
    """Every test file the run's paths name or hold, the same in every process."""
    files = _named_files(config)
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path.is_dir():
            files.update(found for found in path.rglob("*.py") if _is_test_file(config, found))
    return sorted(files)


def _name(config, path: Path) -> str:
    """How records name a test file: as its tests' ids begin."""
    return str(path.relative_to(config.rootpath)) if path.is_relative_to(config.rootpath) else str(path)


def _read(record: Path) -> dict[str, list[list[float]]]:
    """{test file: [[CPU-seconds, when measured], ...]} from one process's record."""
    try:
        return json.loads(record.read_text())
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: the files are then weighed by size


def _started(config) -> float:
    return config.getoption("shard_started") or config.stash[_STARTED]


def _measured_before(started: float) -> dict[str, list[list[float]]]:
    """{test file (relative to the root folder): [[CPU-seconds, when measured], ...]}, the ``KEPT`` newest before
    ``started``, oldest first.

    A process of the same run may already have ended and recorded its files: the others must not see
    that, or they would share the files out differently and run some twice (or not at all).
    """
    found: dict[str, set[tuple[float, float]]] = {}
    for record in _record_folder().glob("*.json"):
        for file, measurements in _read(record).items():
            # Each process's record repeats what was known before its run: the same measurement, once.
            found.setdefault(file, set()).update((seconds, measured) for seconds, measured in measurements)
    kept = {}
    for file, measurements in found.items():
        before = sorted((measured, seconds) for seconds, measured in measurements if measured < started)
        if before:
            kept[file] = [[seconds, measured] for measured, seconds in before[-KEPT:]]
    return kept


def _parts(config, count: int) -> dict[Path, int]:
    """Which share each test file is in: the costliest first, each to the share with the least so far."""
    files = _test_files(config)
    spent = _measured_before(_started(config))
    known = {
        path: statistics.median(seconds for seconds, _ in spent[_name(config, path)])
        for path in files
        if _name(config, path) in spent
    }
    sizes = {path: path.stat().st_size for path in files}
    known_size = sum(sizes[path] for path in known)
    per_byte = sum(known.values()) / known_size if known and known_size else 1.0
    weights = {path: known.get(path, sizes[path] * per_byte) for path in files}
    totals = [0.0] * count
    parts = {}
    for path in sorted(files, key=lambda path: (-weights[path], str(path))):
        share = totals.index(min(totals))
        totals[share] += weights[path]
        parts[path] = share
    return parts


def _elsewhere(config, path: Path) -> bool:
    """Whether ``path`` is another process's (a file found some other way is the first's)."""
    shard = _shard(config)
    if _PARTS not in config.stash:
        config.stash[_PARTS] = _parts(config, shard[1])
    return config.stash[_PARTS].get(path.resolve(), 0) != shard[0] - 1


def pytest_ignore_collect(collection_path, config):
    if _shard(config) is None or not collection_path.is_file() or not _is_test_file(config, collection_path):
        return None
    if collection_path.resolve() in _named_files(config):
        return None  # collected, then its tests deselected below
    return _elsewhere(config, collection_path) or None


def pytest_collection_modifyitems(config, items):
    if _shard(config) is None:
        return
    elsewhere = [item for item in items if _elsewhere(config, item.path)]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if not _elsewhere(config, item.path)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _shard(item.config) is None:
        return (yield)
    started = time.process_time()
    try:
        return (yield)
    finally:
        spent = item.config.stash.setdefault(_SPENT, {})
        file = _name(item.config, item.path)
        spent[file] = spent.get(file, 0.0) + time.process_time() - started


def pytest_sessionfinish(session, exitstatus):
    """Keep what each file cost, if its tests all ran (the run not stopped, nor narrowed by -k or -x)."""
    config = session.config
    shard = _shard(config)
    spent = config.stash.get(_SPENT, None)
    if shard is None or not spent or exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return
    if config.getoption("keyword") or config.getoption("maxfail"):
        return
    # Each process writes a record of its own, holding what was known before its run began (which the
    # others of the run still go by) and what it measured now; then records of earlier runs can go.
    started = _started(config)
    measured = time.time()
    kept = _measured_before(started)
    for file, seconds in spent.items():
        kept[file] = [*kept.get(file, []), [round(seconds, 4), measured]][-KEPT:]
    folder = _record_folder()
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / f"{started!r}-{shard[0]}.json"
    partial = record.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(dict(sorted(kept.items()))))
    partial.replace(record)
    for earlier in folder.glob("*.json"):
        if _run_began(earlier) < started:
            earlier.unlink(missing_ok=True)


def _run_began(record: Path) -> float:
    try:
        return float(record.stem.split("-")[0])
    except ValueError:
        return 0.0  # not one of ours by name (an older layout): let it go
