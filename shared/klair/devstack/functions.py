"""One function of the topology served by functions-framework on its local port."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from itertools import chain
from pathlib import Path

from klair.devstack import topology
from klair.devstack.process import ManagedProcess, StackError, http_ready

FUNCTIONS_DIR = Path(__file__).resolve().parents[3] / "functions"
SIGNATURES = {"http": "http", "event": "cloudevent"}


def signature_type(fn: topology.Function) -> str:
    try:
        return SIGNATURES[fn.trigger]
    except KeyError:
        raise StackError(f"unknown trigger {fn.trigger!r} (expected http or event)") from None


def function_source(name: str, functions_dir: Path = FUNCTIONS_DIR) -> Path:
    source = functions_dir / name / "main.py"
    if not source.is_file():
        raise StackError(f"function {name}: {source} does not exist")
    return source


def function_process(
    name: str,
    fn: topology.Function,
    env: Mapping[str, str],
    log_dir: Path | None,
    *,
    functions_dir: Path = FUNCTIONS_DIR,
    host: str = "127.0.0.1",
    port: int | None = None,
) -> ManagedProcess:
    """functions-framework from this interpreter's environment, in the function's folder.

    Ready when GET /robots.txt answers below 500: functions-framework answers it itself
    (404 for HTTP, 405 for CloudEvent functions) once the module has imported, without
    running the function, so probing never triggers a sweep or a job.
    """
    source = function_source(name, functions_dir)
    bound = port if port is not None else fn.port
    flags = {
        "--target": fn.entry_point,
        "--source": str(source),
        "--signature-type": signature_type(fn),
        "--host": host,
        "--port": str(bound),
    }
    argv = [sys.executable, "-m", "functions_framework", *chain.from_iterable(flags.items())]
    return ManagedProcess(
        name=name,
        argv=argv,
        host=host,
        port=bound,
        ready=http_ready(f"http://{host}:{bound}/robots.txt"),
        env={"PYTHONUNBUFFERED": "1", **env},
        log_dir=log_dir,
        cwd=source.parent,
    )
