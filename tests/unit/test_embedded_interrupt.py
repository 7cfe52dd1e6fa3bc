"""Ctrl-C during `klair run` is a cancel, even when a library turned the KeyboardInterrupt
into an error of its own (pybind11 modules do, while they are imported): only an error
with no interrupt behind it is a crash that fails the job."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from klair.cli.embedded import _interrupts_noted, crashed
from klair.domain.events import AnalysisCompleted
from klair.domain.ids import JobId
from klair.domain.status import JobStatus
from tests.unit.api_world import make_world


def pybind11_like_import() -> None:
    """What a pybind11 module's init does with an exception raised while it runs."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs between bytecodes
            pass
    except KeyboardInterrupt as exc:
        raise ImportError("initialization failed") from exc


def test_an_interrupt_a_library_disguised_is_noted() -> None:
    interrupted = threading.Event()
    with _interrupts_noted(interrupted), pytest.raises(ImportError):
        pybind11_like_import()
    assert interrupted.is_set()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_an_error_after_an_interrupt_is_the_interrupt_not_a_crash() -> None:
    world = make_world()
    job_id = JobId(world.submit())
    interrupted = threading.Event()
    interrupted.set()

    with pytest.raises(KeyboardInterrupt):
        crashed(world.deps, AnalysisCompleted(job_id=job_id, chunks=1), "select",
                RuntimeError("requires the onnxruntime package"), interrupted)  # fmt: skip

    assert world.job(job_id).status is not JobStatus.FAILED


def test_an_error_without_an_interrupt_fails_the_job_as_a_crash() -> None:
    world = make_world()
    job_id = JobId(world.submit())

    crashed(world.deps, AnalysisCompleted(job_id=job_id, chunks=1), "select",
            RuntimeError("boom"), threading.Event())  # fmt: skip

    job = world.job(job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error.message == "select crashed: boom"
