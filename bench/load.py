"""`GET /api/klair/status/{id}` on the emulator stack under a bounded local load, against a
bare functions-framework function under the same load, same run.

    python -m bench.load [--rate 200] [--seconds 20] [--quick] [--jobs N]

The stack is `klair dev`'s (LocalStack): the `api` function under functions-framework
(gunicorn, one worker, 4 threads a CPU) on the Firestore emulator, a Clerk-shaped token
checked on every request, request limits off (`KLAIR_RATE_LIMITS=false`: they would answer
429 long before 200 req/s for one user). The job polled is queued, the costliest status to
answer (its queue position is a count over the queue). With `--jobs N`, N users each poll
their own queued job in turn: polls of one job that overlap share a read, so one job is the
kindest case and many jobs the honest one. The baseline is a functions-framework
function that returns a constant JSON body: what the server stack costs by itself.

Two measurements per server:
- bounded: an open-loop generator sends exactly `--rate` requests a second and times each
  from when it was due, so a stall shows in the percentiles (Debian's wrk has no fixed-rate
  mode, and pacing it with `delay()` would hide stalls);
- throughput: wrk (Debian's `wrk`, 2 threads, 16 connections) as fast as the server answers,
  or the same generator closed-loop when wrk is not installed.
Target: p99 ≤ 50 ms at 200 req/s; printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.timing import Result, show

P99_MS = 50.0
HELLO = """import functions_framework


@functions_framework.http
def hello(request):
    return {"status": "queued", "progress": 0}
"""
WRK_SCRIPT = """
local targets = {%s}
local n = 0
request = function()
  n = n %% #targets + 1
  return wrk.format("GET", targets[n][1], {["Authorization"] = targets[n][2]})
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %%d, "seconds": %%f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout + summary.errors.status))
end
"""


Target = tuple[str, Mapping[str, str]]  # URL, headers


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    errors: int
    latencies: tuple[float, ...] = ()  # seconds, bounded runs only

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        """Milliseconds."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _connected(target: Target, count: int) -> list[httpx.Client]:
    clients = [httpx.Client(timeout=10) for _ in range(count)]
    for client in clients:
        with contextlib.suppress(httpx.HTTPError):
            client.get(target[0], headers=target[1])
    return clients


def paced(targets: Sequence[Target], rate: float, seconds: float) -> Load:
    """Open loop: request n (to target n mod len(targets)) is due at start + n / rate,
    whatever became of the earlier ones.

    The clients are made and connected before the clock starts, as wrk does: making 32
    (each loads the CA bundle) takes a second of CPU, which would otherwise land on the
    first requests' timings, as would 32 connections opened at once."""
    clients = _connected(targets[0], 32)
    due: queue.SimpleQueue[tuple[float, Target]] = queue.SimpleQueue()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    for n in range(total):
        due.put((start + n / rate, targets[n % len(targets)]))
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(client: httpx.Client) -> None:
        while True:
            try:
                at, (url, headers) = due.get_nowait()
            except queue.Empty:
                return
            time.sleep(max(0.0, at - time.perf_counter()))
            try:
                ok = client.get(url, headers=headers).status_code == 200
            except httpx.HTTPError:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - at)
                errors[0] += not ok

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - start
    for client in clients:
        client.close()
    return Load(total, took, errors[0], tuple(latencies))


def throughput(targets: Sequence[Target], seconds: float) -> Load:
    """As many requests as the server answers: wrk if installed, else 16 Python clients."""
    wrk = shutil.which("wrk")
    if wrk is None:
        closed = paced(targets, rate=100_000, seconds=seconds / 10)
        return Load(closed.requests, closed.seconds, closed.errors)
    pairs = ", ".join(
        f'{{"{httpx.URL(url).raw_path.decode()}", "{headers.get("Authorization", "")}"}}'
        for url, headers in targets
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % pairs)
    done = subprocess.run(
        [wrk, "-t2", "-c16", f"-d{seconds:.0f}s", "-s", script.name, targets[0][0]],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    Path(script.name).unlink()
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return Load(found["requests"], found["seconds"], found["errors"])


@contextmanager
def hello_server() -> Iterator[str]:
    """The baseline: a constant-answer function under functions-framework on a free port."""
    from klair.devstack.process import free_port

    with tempfile.TemporaryDirectory(prefix="klair-bench-hello-") as tmp:
        (Path(tmp) / "main.py").write_text(HELLO)
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "functions_framework", "--target", "hello",
             "--source", str(Path(tmp) / "main.py"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_ready(url)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


@contextmanager
def status_endpoint(jobs: int = 1) -> Iterator[list[Target]]:
    """(status URL of a queued job, its owner's auth headers) for `jobs` jobs of as many
    users, on a LocalStack running the api function."""
    from klair.devstack.stack import LocalStack, StackOptions

    with tempfile.TemporaryDirectory(prefix="klair-bench-stack-") as tmp:
        options = StackOptions(
            free_ports=True, functions=["api"], workdir=Path(tmp),
            extra_env={"KLAIR_RATE_LIMITS": "false"},
        )  # fmt: skip
        with LocalStack(options) as stack:
            api = str(stack.urls.api).rstrip("/")
            body = {"url": "https://videos.example/talk.mp4"}
            targets: list[Target] = []
            for n in range(jobs):
                token = stack.issuer.mint(f"user_bench_{n}", ttl=3600)
                headers = {"Authorization": f"Bearer {token}"}
                made = httpx.post(
                    f"{api}/api/klair/analyze", json=body, headers=headers, timeout=30
                )
                made.raise_for_status()
                targets.append((f"{api}/api/klair/status/{made.json()['job_id']}", headers))
            yield targets


def _row(name: str, base: Load, klair: Load, rate: float) -> Result:
    return Result(
        name, "functions-framework constant JSON, p99", base.percentile(99),
        klair.percentile(99), unit="ms", limit=P99_MS,
        details={"rate asked": f"{rate:g}/s", "klair rate": f"{klair.rate:.0f}/s",
                 "klair p50": f"{klair.percentile(50):.1f} ms",
                 "baseline p50": f"{base.percentile(50):.1f} ms",
                 "errors": klair.errors + base.errors},
    )  # fmt: skip


def measure(rate: float, seconds: float, jobs: int = 1) -> list[Result]:
    with hello_server() as hello_url, status_endpoint(jobs) as status:
        hello = [(hello_url, status[0][1])]
        for targets in (hello, status):  # warm: first requests import lazily and fill caches
            paced(targets, rate=50, seconds=1)
        base = paced(hello, rate, seconds)
        klair = paced(status, rate, seconds)
        base_max = throughput(hello, seconds / 2)
        klair_max = throughput(status, seconds / 2)
    tool = "wrk" if shutil.which("wrk") else "python"
    polled = f"{jobs} jobs" if jobs > 1 else "one job"
    bounded = f"GET status at {rate:g} req/s ({polled}, open loop, {seconds:g} s)"
    most = f"GET status throughput ({polled}, {tool}, 16 connections)"
    return [
        _row(bounded, base, klair, rate),
        Result(
            most,
            "functions-framework constant JSON",
            base_max.rate,
            klair_max.rate,
            unit="req/s",
            details={
                "errors": base_max.errors + klair_max.errors,
                "klair ÷ baseline": f"{klair_max.rate / base_max.rate:.2f}",
            },
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--quick", action="store_true", help="8 s per measurement")
    parser.add_argument("--jobs", type=int, default=1, help="poll this many jobs in turn")
    args = parser.parse_args()
    seconds = 8.0 if args.quick else args.seconds
    found = measure(args.rate, seconds, max(1, args.jobs))
    show(found, "status endpoint under load (emulator stack)")


if __name__ == "__main__":
    main()
