"""make test-fast's shares (config/tests/shards.py): every test runs once, in one process, whatever is recorded."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow  # starts pytest processes

# A file that costs more than the others, so that the recorded costs move it away from its neighbours.
COSTLY = "def test_costly():\n    assert sum(range(10_000_000)) > 0\n"


def run_share(folder: Path, share: str, *args: str, started: float | None = None) -> set[str]:
    """The tests one process ran with ``--shard share``, by node id."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(settings.BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_VAR_DIR": str(folder / "var"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "config.tests.shards", "--shard", share]
        + ["-v", "-p", "no:cacheprovider", "--rootdir", str(folder), *args]
        + ([] if started is None else ["--shard-started", str(started)]),
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 5), done.stdout + done.stderr
    return set(re.findall(r"^(\S+::\S+) PASSED", done.stdout, re.MULTILINE))


@pytest.fixture
def folder(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    for number in range(5):
        (tests / f"test_{number}.py").write_text("def test_a():\n    pass\n\ndef test_b():\n    pass\n")
    (tests / "test_costly.py").write_text(COSTLY)
    return tmp_path


def test_each_test_runs_in_exactly_one_share_before_and_after_the_costs_are_recorded(folder):
    everything = {f"tests/test_{number}.py::test_{name}" for number in range(5) for name in "ab"}
    everything.add("tests/test_costly.py::test_costly")
    costly = {"tests/test_costly.py::test_costly"}
    for _ in range(2):  # the first run shares files out by size, the second by what each cost
        # One after the other, as if the second process started after the first had ended and recorded.
        started = time.time()
        first = run_share(folder, "1/2", "tests", started=started)
        second = run_share(folder, "2/2", "tests", started=started)
        assert first and second
        assert not first & second
        assert first | second == everything
    # Recorded, the costly file outweighs all the others together: a process of its own, the others in the other.
    assert costly in (first, second)
    recorded = "".join(path.read_text() for path in (folder / "var" / "test-fast").glob("*.json"))
    assert "tests/test_costly.py" in recorded


def test_a_file_named_on_the_command_line_runs_in_one_share(folder):
    named = ["tests/test_0.py", "tests/test_costly.py"]
    started = time.time()
    ran = [run_share(folder, f"{share}/2", *named, started=started) for share in (1, 2)]
    assert not ran[0] & ran[1]
    assert ran[0] | ran[1] == {
        "tests/test_0.py::test_a",
        "tests/test_0.py::test_b",
        "tests/test_costly.py::test_costly",
    }


def test_a_run_narrowed_by_k_records_nothing(folder):
    run_share(folder, "1/2", "tests", "-k", "test_a")
    assert not list((folder / "var" / "test-fast").glob("*.json"))


def test_one_odd_measurement_does_not_move_a_file(folder):
    """The split goes by the median of a file's last runs: the costly file's one cheap run (its newest) is
    outvoted, so it still has a process of its own."""
    records = folder / "var" / "test-fast"
    records.mkdir(parents=True)
    past = time.time() - 100
    costs = {f"tests/test_{number}.py": [[1.0, past + run] for run in range(5)] for number in range(5)}
    costs["tests/test_costly.py"] = [[10.0, past + run] for run in range(4)] + [[0.001, past + 4]]
    (records / f"{past!r}-1.json").write_text(json.dumps(costs))
    started = time.time()
    shares = [run_share(folder, f"{share}/2", "tests", started=started) for share in (1, 2)]
    assert {"tests/test_costly.py::test_costly"} in shares
    kept = json.loads(max(records.glob("*.json"), key=lambda path: path.stat().st_mtime).read_text())
    assert all(len(measurements) <= 5 for measurements in kept.values())
