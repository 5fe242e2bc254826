"""Bounded load against 127.0.0.1: wrk when installed, else a small threaded Python driver.

Both report requests/s and the 50th and 99th percentile latency in milliseconds.
"""

import http.client
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    tool: str


def _duration(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def parse_wrk(output: str) -> LoadResult:
    """Read wrk's ``--latency`` report."""
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if not (p50 and p99 and rps and total):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    errors = int(bad[1]) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return LoadResult(float(rps[1]), _duration(p50[1]), _duration(p99[1]), int(total[1]), errors, "wrk")


def run_wrk(base: str, paths: list[str], *, seconds: int, connections: int, headers: dict) -> LoadResult:
    """wrk with 2 threads; several paths are taken in turn by a small Lua script."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory() as folder:
        if len(paths) > 1:
            script = Path(folder) / "paths.lua"
            quoted = ", ".join('"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"' for path in paths)
            script.write_text(
                f"local paths = {{{quoted}}}\nlocal i = 0\n"
                "request = function()\n  i = i + 1\n  return wrk.format(nil, paths[(i % #paths) + 1])\nend\n"
            )
            command += ["-s", str(script)]
        command.append(base + paths[0])
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return parse_wrk(output)


def run_python(base: str, paths: list[str], *, seconds: int, connections: int, headers: dict) -> LoadResult:
    """The fallback: one keep-alive connection per thread, for ``seconds``."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        mine, i = [], offset
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection = http.client.HTTPConnection(host, int(port), timeout=5)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        raise RuntimeError("no request succeeded")
    p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))]  # noqa: E731
    return LoadResult(len(latencies) / elapsed, p(0.5), p(0.99), len(latencies), errors[0], "python")


def drive(base: str, paths: list[str], *, seconds: int = 10, connections: int = 8, headers=None) -> LoadResult:
    """Load ``paths`` (in turn) on ``base`` for ``seconds`` with ``connections`` clients."""
    runner = run_wrk if shutil.which("wrk") else run_python
    return runner(base, paths, seconds=seconds, connections=connections, headers=headers or {})
