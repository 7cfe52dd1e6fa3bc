"""The emulator-mode stack (`klair dev`, e2e tests): emulators, issuer, dispatcher, functions."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from google.api_core.exceptions import Conflict
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from klair.devstack import emulators as emu
from klair.devstack import environment as dev_env
from klair.devstack import pubsub_setup
from klair.devstack.dev_issuer import DevIssuer
from klair.devstack.functions import FUNCTIONS_DIR, function_process, function_source
from klair.devstack.process import ManagedProcess, StackError, free_port, http_ready, port_free
from klair.devstack.signing_key import write_signing_key
from klair.devstack.topology import Topology, load_topology

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_ISSUER_PORT = 8798
EMULATORS = ("firestore", "pubsub", "gcs")
DISPATCHER = "klair.devstack.dispatcher"


@dataclass(frozen=True)
class StackOptions:
    """What to run and where; `ports` overrides any port by component or function name."""

    topology: Topology = field(default_factory=load_topology)
    ports: Mapping[str, int] = field(default_factory=dict)
    free_ports: bool = False  # every port not overridden is a fresh free one (tests)
    functions: Sequence[str] | None = None  # None: every function of the topology
    functions_dir: Path = FUNCTIONS_DIR
    workdir: Path = REPO_ROOT / ".devstack"
    # Settings for the children: `extra_env` (the flags) over `environ` (None: this
    # process's environment) over the dev defaults (`devstack.environment`).
    extra_env: Mapping[str, str] = field(default_factory=dict)
    environ: Mapping[str, str] | None = None
    delivery_urls: Mapping[str, str] = field(default_factory=dict)  # push/task target, by function
    emulators: emu.Emulators | None = None  # reuse running emulators instead of starting them
    host: str = "127.0.0.1"
    ready_timeout: float = 120.0


@dataclass(frozen=True)
class StackUrls:
    api: str | None  # None when the api function is not part of this stack
    functions: dict[str, str]
    dispatcher: str
    issuer: str
    jwks: str


def resolve_ports(options: StackOptions) -> dict[str, int]:
    topo = options.topology
    defaults = {name: fn.port for name, fn in topo.functions.items()}
    defaults |= {name: ep.port for name, ep in topo.emulators.items()}
    defaults.setdefault("issuer", DEFAULT_ISSUER_PORT)
    if options.free_ports:
        defaults = {name: free_port() for name in defaults}
    return {**defaults, **options.ports}


def create_bucket(gcs_url: str, project: str, bucket: str) -> None:
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    client = storage.Client(project, anonymous, client_options={"api_endpoint": gcs_url})
    with contextlib.suppress(Conflict):
        client.create_bucket(bucket)


class LocalStack:
    """Starts everything on enter, in dependency order; stops it in reverse on exit."""

    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        topo = self.options.topology
        self.names = list(
            self.options.functions if self.options.functions is not None else topo.functions
        )
        unknown = sorted(set(self.names) - set(topo.functions))
        if unknown:
            raise StackError(f"no such function in the topology: {', '.join(unknown)}")
        self.ports = resolve_ports(self.options)
        self.environ = os.environ if self.options.environ is None else self.options.environ
        # What the stack makes follows the children's rule, but emulators it reuses keep
        # the project they run in (fake-gcs-server publishes there).
        self.project = (
            self.options.emulators.project
            if self.options.emulators is not None
            else self._setting("KLAIR_PROJECT", topo.project)
        )
        self.bucket = self._setting("KLAIR_BUCKET", topo.bucket)
        self.key_dir = self.options.workdir / "keys"
        self.log_dir = self.options.workdir / "logs"
        self.signing_key_file = self.key_dir / "signer.json"
        self.processes: list[ManagedProcess] = []
        self.startup_seconds = 0.0
        self._exit = contextlib.ExitStack()
        self._emulators: emu.Emulators | None = None
        self._issuer: DevIssuer | None = None
        self._env: dict[str, str] = {}
        self.defaults: dict[str, str] = {}

    def _setting(self, name: str, default: str) -> str:
        return dev_env.setting(name, default, self.environ, self.options.extra_env)

    def url(self, name: str) -> str:
        return f"http://{self.options.host}:{self.ports[name]}"

    @property
    def emulators(self) -> emu.Emulators:
        if self._emulators is None:
            raise StackError("the stack is not started")
        return self._emulators

    @property
    def issuer(self) -> DevIssuer:
        if self._issuer is None:
            raise StackError("the stack is not started")
        return self._issuer

    @property
    def env(self) -> dict[str, str]:
        """What a client or test process needs: emulator hosts and KLAIR_* settings."""
        return dict(self._env)

    @property
    def own_settings(self) -> dict[str, str]:
        """The children's settings that are not the dev defaults (flags or environment)."""
        chosen = {name: self._env[name] for name in [*self.defaults, *self.options.extra_env]}
        return dev_env.not_defaults(self.defaults, chosen)

    @property
    def urls(self) -> StackUrls:
        functions = {name: self.url(name) + "/" for name in self.names}
        issuer = self._env.get("KLAIR_CLERK_ISSUER", self.issuer.issuer)
        jwks = self._env.get("KLAIR_CLERK_JWKS_URL", self.issuer.jwks_url)
        return StackUrls(functions.get("api"), functions, self.url("dispatcher"), issuer, jwks)

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        began = time.monotonic()
        self._preflight()
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        # A second Ctrl-C must not cut the shutdown short and orphan the children.
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:
            self._exit.close()
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)

    def exited(self) -> list[str]:
        """Names of the stack's own children that have died since they started."""
        dead = [p for p in self.processes if p.popen is not None and p.popen.poll() is not None]
        return [p.name for p in dead]

    def _preflight(self) -> None:
        wanted = ["issuer", "dispatcher", *self.names]
        if self.options.emulators is None:
            wanted = [*EMULATORS, *wanted]
        host = self.options.host
        taken = [
            f"{n}: {host}:{self.ports[n]}" for n in wanted if not port_free(host, self.ports[n])
        ]
        if taken:
            raise StackError(f"ports already in use (free them or pick others): {'; '.join(taken)}")
        for name in self.names:
            function_source(name, self.options.functions_dir)

    def _start_all(self) -> None:
        topo = self.options.topology
        self._emulators = self._start_emulators()
        create_bucket(self.emulators.gcs, self.project, self.bucket)
        signer = write_signing_key(self.signing_key_file, self.project)
        self._issuer = DevIssuer(self.key_dir)
        self._issuer.start(self.options.host, self.ports["issuer"])
        self._exit.callback(self._issuer.stop)
        self._env = self._make_env(signer)
        self._issuer.party = dev_env.first_party(self._env)
        self._issuer.trusted = self._env["KLAIR_CLERK_ISSUER"]
        self._run([self._dispatcher()])
        urls = {n: self.options.delivery_urls.get(n, self.url(n)) for n in self.names}
        pubsub_setup.provision(self.project, topo, urls, emulator_host=self.emulators.pubsub)
        if self.options.emulators is not None:  # their push endpoints die with this stack
            self._exit.callback(self._deprovision)
        self._run([self._function(name) for name in self.names])

    def _function(self, name: str) -> ManagedProcess:
        fn, opts = self.options.topology.functions[name], self.options
        return function_process(
            name,
            fn,
            self._env,
            self.log_dir,
            functions_dir=opts.functions_dir,
            host=opts.host,
            port=self.ports[name],
        )

    def _start_emulators(self) -> emu.Emulators:
        topo = self.options.topology
        topic = str(topo.notification.get("topic", "gcs-events"))
        if self.options.emulators is not None:
            found = self.options.emulators
        else:
            ports = {name: self.ports[name] for name in EMULATORS}
            found = self._exit.enter_context(
                emu.running(self.project, ports, self.options.workdir, topic, self.options.host)
            )
        # fake-gcs-server publishes each finalize to this topic: it must exist before any write.
        pubsub_setup.create_topic(self.project, topic, emulator_host=found.pubsub)
        return found

    def _make_env(self, signer: str) -> dict[str, str]:
        """The emulators' addresses, then every setting by the one rule (`dev_env`)."""
        via = self.options.delivery_urls  # tasks reach a function there (a test proxy)
        wiring = dev_env.DevWiring(
            host=self.options.host,
            project=(self.options.emulators or self.options.topology).project,
            bucket=self.options.topology.bucket,
            dispatcher_url=self.url("dispatcher"),
            signing_key_file=str(self.signing_key_file.resolve()),
            signer_email=signer,
            issuer=self.issuer.issuer,
            jwks_url=self.issuer.jwks_url,
            function_urls={
                **{n: via.get(n, self.url(n)) for n in ("ingest", "notify") if n in self.ports},
                **({"api": self.url("api")} if "api" in self.names else {}),
            },
        )
        self.defaults = dev_env.dev_defaults(wiring)
        settings = dev_env.children_env(self.defaults, self.environ, self.options.extra_env)
        return {**settings, **self.emulators.env()}

    def _dispatcher(self) -> ManagedProcess:
        host, port = self.options.host, self.ports["dispatcher"]
        return ManagedProcess(
            name="dispatcher",
            argv=[sys.executable, "-m", DISPATCHER, "--host", host, "--port", str(port)],
            host=host,
            port=port,
            ready=http_ready(f"http://{host}:{port}/"),
            env={"PYTHONUNBUFFERED": "1", **self._env},
            log_dir=self.log_dir,
            cwd=REPO_ROOT,
        )

    def _run(self, procs: list[ManagedProcess]) -> None:
        """Start together (imports overlap), then wait for each to answer."""
        for proc in procs:
            proc.start()
            self.processes.append(proc)
            self._exit.callback(proc.stop)
        for proc in procs:
            proc.wait_ready(timeout=self.options.ready_timeout)

    def _deprovision(self) -> None:
        with contextlib.suppress(Exception):  # best effort: the emulator may be gone already
            pubsub_setup.deprovision(
                self.project, self.options.topology, emulator_host=self.emulators.pubsub
            )
