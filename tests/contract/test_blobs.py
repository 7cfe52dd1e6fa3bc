"""One contract for the Blobs port, run against the memory fake, the filesystem and GCS."""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import uuid
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import google.cloud.storage as storage
import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from google.auth.credentials import AnonymousCredentials, Credentials

from klair.adapters.gcs_blobs import GcsBlobs
from klair.adapters.gcs_signing import IamSigner, KeyFileSigner, signer_for
from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.memory.blobs import MemoryBlobs
from klair.devstack.emulators import Emulators
from klair.domain.errors import InvalidInput, NotFound
from klair.domain.events import ObjectFinalized
from klair.ports.storage import Blobs


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, rsa.RSAPublicKey]:
    """A throwaway RSA key in a service-account JSON, as the emulator stack uses."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    email = "signer@demo-klair.iam.gserviceaccount.com"
    info = {"type": "service_account", "private_key": pem, "client_email": email}
    path = tmp_path_factory.mktemp("signing") / "key.json"
    path.write_text(json.dumps({**info, "token_uri": "https://oauth2.googleapis.com/token"}))
    return path, key.public_key()


@pytest.fixture(scope="session")
def gcs_client(emulator_stack: Emulators) -> storage.Client:
    # fake-gcs-server serves path-style signed URLs only for its "public host"; point that at
    # its own address (the same as starting it with `-public-host host:port`).
    host = urlparse(emulator_stack.gcs).netloc
    httpx.put(
        f"{emulator_stack.gcs}/_internal/config", json={"publicHost": host}, timeout=10
    ).raise_for_status()
    return storage.Client(project=emulator_stack.project, credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]


@pytest.fixture
def gcs_blobs(gcs_client: storage.Client, signing_key: tuple[Path, rsa.RSAPublicKey]) -> GcsBlobs:
    blobs = GcsBlobs(
        f"blobs-{uuid.uuid4().hex[:16]}", lambda: gcs_client, KeyFileSigner(signing_key[0])
    )
    blobs.ensure_bucket()
    blobs.ensure_bucket()  # idempotent
    return blobs


@pytest.fixture(params=["memory", "local", pytest.param("gcs", marks=pytest.mark.emulator)])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Blobs:
    if request.param == "memory":
        return MemoryBlobs()
    if request.param == "local":
        return LocalBlobs(tmp_path / "blobs")
    gcs: GcsBlobs = request.getfixturevalue("gcs_blobs")
    return gcs


def test_bytes_round_trip(blobs: Blobs) -> None:
    blobs.put_bytes("work/j1/signals.json", b'{"cuts": [1.5]}', "application/json")
    assert blobs.read_bytes("work/j1/signals.json") == b'{"cuts": [1.5]}'


def test_file_round_trip_is_binary_exact(blobs: Blobs, tmp_path: Path) -> None:
    data = random.Random(7).randbytes(3 * 1024 * 1024)
    source = tmp_path / "in.bin"
    source.write_bytes(data)
    blobs.put_file("sources/j1/source.mp4", source)
    target = tmp_path / "out" / "nested" / "source.mp4"
    blobs.download("sources/j1/source.mp4", target)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest()


def test_a_range_is_the_bytes_between_its_ends(blobs: Blobs) -> None:
    data = bytes(range(256)) * 64  # 16 KiB, every byte value
    blobs.put_bytes("work/j/audio.wav", data)
    assert blobs.read_range("work/j/audio.wav", 0, 44) == data[:44]
    assert blobs.read_range("work/j/audio.wav", 5000, 9000) == data[5000:9000]
    assert blobs.read_range("work/j/audio.wav", 16000, 20000) == data[16000:]  # past the end
    assert blobs.read_range("work/j/audio.wav", 300, 300) == b""
    assert blobs.read_range("work/j/audio.wav", 20000, 30000) == b""  # starts past the end
    with pytest.raises(NotFound):
        blobs.read_range("work/j/missing.wav", 0, 10)


def test_exists_only_after_a_write(blobs: Blobs) -> None:
    assert not blobs.exists("clips/j1/c1/vertical.mp4")
    blobs.put_bytes("clips/j1/c1/vertical.mp4", b"\x00\x01")
    assert blobs.exists("clips/j1/c1/vertical.mp4")
    assert not blobs.exists("clips/j1/c1")


def test_missing_objects_raise_not_found(blobs: Blobs, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        blobs.read_bytes("nope/missing.bin")
    with pytest.raises(NotFound):
        blobs.download("nope/missing.bin", tmp_path / "x.bin")
    with pytest.raises(NotFound):
        blobs.copy("nope/missing.bin", "nope/copy.bin")
    assert not blobs.exists("nope/copy.bin")


def test_copy_duplicates_and_keeps_the_source(blobs: Blobs) -> None:
    blobs.put_bytes("uploads/u1/up1/video.mp4", b"movie", "video/mp4")
    blobs.copy("uploads/u1/up1/video.mp4", "sources/j1/source.mp4")
    assert blobs.read_bytes("sources/j1/source.mp4") == b"movie"
    assert blobs.read_bytes("uploads/u1/up1/video.mp4") == b"movie"


def test_overwrite_replaces_the_content(blobs: Blobs) -> None:
    blobs.put_bytes("work/j1/audio.wav", b"first version, longer")
    blobs.put_bytes("work/j1/audio.wav", b"second")
    assert blobs.read_bytes("work/j1/audio.wav") == b"second"


def test_list_by_prefix_is_sorted(blobs: Blobs) -> None:
    for name in ["work/j2/proxy.mp4", "work/j1/b.json", "work/j1/a/deep.bin", "work/j10/x"]:
        blobs.put_bytes(name, b".")
    assert blobs.list("work/j1/") == ["work/j1/a/deep.bin", "work/j1/b.json"]
    assert blobs.list("work/j1") == ["work/j1/a/deep.bin", "work/j1/b.json", "work/j10/x"]
    assert blobs.list("") == sorted(blobs.list("work/"))
    assert len(blobs.list("")) == 4
    assert blobs.list("nothing/") == []


def test_delete_prefix_counts_what_it_removed(blobs: Blobs) -> None:
    for name in ["clips/j1/c1/a.mp4", "clips/j1/c2/b.jpg", "clips/j2/c1/a.mp4"]:
        blobs.put_bytes(name, b".")
    assert blobs.delete_prefix("clips/j1/") == 2
    assert blobs.list("clips/") == ["clips/j2/c1/a.mp4"]
    assert blobs.delete_prefix("clips/j1/") == 0


def test_delete_prefix_spares_the_objects_it_is_told_to_keep(blobs: Blobs) -> None:
    names = ["clips/j1/c1/a.mp4", "clips/j1/c1/a.mp4.jpg", "clips/j1/c2/b.mp4", "clips/j1/t.json"]
    for name in names:
        blobs.put_bytes(name, b".")
    kept = {"clips/j1/c1/a.mp4", "clips/j1/c2/b.mp4", "clips/j9/elsewhere.mp4"}
    assert blobs.delete_prefix("clips/j1/", keep=kept) == 2
    assert blobs.list("clips/") == ["clips/j1/c1/a.mp4", "clips/j1/c2/b.mp4"]


@pytest.mark.parametrize("name", ["", "/etc/passwd", "../escape", "a/../../b", "a//b", "a/./b"])
def test_unsafe_names_are_rejected(blobs: Blobs, name: str) -> None:
    with pytest.raises(InvalidInput):
        blobs.put_bytes(name, b"x")


def test_uri_names_the_object(blobs: Blobs) -> None:
    blobs.put_bytes("work/j1/proxy.mp4", b"proxy")
    uri = blobs.uri("work/j1/proxy.mp4")
    assert uri != blobs.uri("work/j1/audio.wav")
    assert uri.endswith("/work/j1/proxy.mp4") or uri == "mem://work/j1/proxy.mp4"
    if isinstance(blobs, LocalBlobs):
        assert Path(urlparse(uri).path).read_bytes() == b"proxy"
    if isinstance(blobs, GcsBlobs):
        assert uri.startswith("gs://blobs-")


# --- finalize notifications (local and memory; GCS's go through Pub/Sub) ------------------


@pytest.mark.parametrize("kind", ["memory", "local"])
def test_finalize_hook_reports_each_write(kind: str, tmp_path: Path) -> None:
    events: list[ObjectFinalized] = []
    local = LocalBlobs(tmp_path / "blobs", events.append)
    blobs: Blobs = MemoryBlobs(events.append) if kind == "memory" else local
    names = ["uploads/u1/x/in.mp4", "work/j1/signals.json", "sources/j1/source.mp4"]
    (tmp_path / "in.mp4").write_bytes(b"12345")
    blobs.put_file(names[0], tmp_path / "in.mp4")
    blobs.put_bytes(names[1], b"{}", "application/json")
    blobs.copy(names[0], names[2])
    assert [e.name for e in events] == names
    assert [e.size for e in events] == [5, 2, 5]
    assert [e.content_type for e in events] == ["video/mp4", "application/json", "video/mp4"]
    generations = [int(e.generation) for e in events]
    assert generations == sorted(set(generations))
    assert len({e.key for e in events}) == 3


def test_local_writes_leave_no_temp_files(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    blobs.put_bytes("a/b.bin", b"1")
    blobs.copy("a/b.bin", "a/c.bin")
    blobs.delete_prefix("a/")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_local_signed_urls_are_file_uris_and_refuse_uploads(tmp_path: Path) -> None:
    blobs = LocalBlobs(tmp_path)
    blobs.put_bytes("clips/j1/c1/v.mp4", b"clip")
    url = blobs.signed_url("clips/j1/c1/v.mp4")
    assert Path(urlparse(url).path).read_bytes() == b"clip"
    with pytest.raises(InvalidInput):
        blobs.signed_url("uploads/u1/x.mp4", "PUT", content_type="video/mp4")


# --- signed URLs (GCS) --------------------------------------------------------------------


class GcsSignatureCheck(httpx.BaseTransport):
    """Checks a V4 signed request as GCS does, then forwards it to fake-gcs-server.

    fake-gcs-server accepts any signature, content type and size, so without this check a
    signed URL that bound nothing would pass; with it, a request whose signed headers differ
    from what was signed gets GCS's 403.
    """

    def __init__(self, public_key: rsa.RSAPublicKey) -> None:
        self._public_key = public_key
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._signature_matches(request):
            return httpx.Response(403, text="SignatureDoesNotMatch")
        return self._inner.handle_request(request)

    def _signature_matches(self, request: httpx.Request) -> bool:
        params = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        signature = bytes.fromhex(params.pop("X-Goog-Signature"))
        signed = params["X-Goog-SignedHeaders"].split(";")
        query = "&".join(
            f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(params.items())
        )
        headers = "".join(f"{h}:{request.headers.get(h, '').strip()}\n" for h in signed)
        path = request.url.raw_path.decode().split("?")[0]
        lines = [request.method, path, query, headers, ";".join(signed), "UNSIGNED-PAYLOAD"]
        canonical = "\n".join(lines)
        scope = params["X-Goog-Credential"].split("/", 1)[1]
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        to_sign = "\n".join(["GOOG4-RSA-SHA256", params["X-Goog-Date"], scope, digest])
        try:
            self._public_key.verify(
                signature, to_sign.encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            return False
        return True


@pytest.fixture
def http(signing_key: tuple[Path, rsa.RSAPublicKey]) -> httpx.Client:
    return httpx.Client(transport=GcsSignatureCheck(signing_key[1]), timeout=10)


UPLOAD = "uploads/u1/up1/video.mp4"
RANGE = {"x-goog-content-length-range": "0,1000"}


@pytest.mark.emulator
def test_signed_put_uploads_with_the_signed_content_type(
    gcs_blobs: GcsBlobs, http: httpx.Client, emulator_stack: Emulators
) -> None:
    url = gcs_blobs.signed_url(UPLOAD, "PUT", minutes=15, content_type="video/mp4", max_bytes=1000)
    assert url.startswith(f"{emulator_stack.gcs}/")
    query = parse_qs(urlparse(url).query)
    assert query["X-Goog-Expires"] == ["900"]
    assert query["X-Goog-SignedHeaders"] == ["content-type;host;x-goog-content-length-range"]
    response = http.put(url, content=b"\x00movie", headers={"Content-Type": "video/mp4", **RANGE})
    assert response.status_code == 200
    assert gcs_blobs.read_bytes(UPLOAD) == b"\x00movie"


@pytest.mark.emulator
@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/html", **RANGE}, {"Content-Type": "video/mp4"}],
    ids=["wrong-content-type", "no-size-range"],
)
def test_signed_put_refuses_other_headers(
    gcs_blobs: GcsBlobs, http: httpx.Client, headers: dict[str, str]
) -> None:
    url = gcs_blobs.signed_url(UPLOAD, "PUT", content_type="video/mp4", max_bytes=1000)
    assert http.put(url, content=b"<script>", headers=headers).status_code == 403
    assert not gcs_blobs.exists(UPLOAD)


@pytest.mark.emulator
def test_signed_get_downloads(gcs_blobs: GcsBlobs, http: httpx.Client) -> None:
    gcs_blobs.put_bytes("clips/j1/c1/v.mp4", b"clip bytes")
    url = gcs_blobs.signed_url("clips/j1/c1/v.mp4")
    assert http.get(url).content == b"clip bytes"
    assert http.get(url.replace("X-Goog-Expires=3600", "X-Goog-Expires=7200")).status_code == 403


class _RuntimeCredentials(Credentials):
    """What the functions' metadata server hands out: a token, refreshed on demand."""

    service_account_email = "runtime@demo-klair.iam.gserviceaccount.com"

    def refresh(self, request: object) -> None:
        self.token = "fresh-token"


def test_signing_mode_follows_settings(signing_key: tuple[Path, rsa.RSAPublicKey]) -> None:
    assert "credentials" in signer_for(signing_key[0], None).signing_kwargs()
    assert isinstance(signer_for(None, "fn@p.iam.gserviceaccount.com"), IamSigner)
    runtime = IamSigner(credentials_factory=_RuntimeCredentials).signing_kwargs()
    assert runtime == {
        "service_account_email": _RuntimeCredentials.service_account_email,
        "access_token": "fresh-token",
    }
    named = IamSigner("signer@p.iam.gserviceaccount.com", _RuntimeCredentials).signing_kwargs()
    assert named["service_account_email"] == "signer@p.iam.gserviceaccount.com"


def test_media_urls_are_opened_and_seeked_by_ffmpeg(blobs: Blobs, tmp_path: Path) -> None:
    """What the segment transcode and the export do: ffmpeg opens the object where
    `media_url` says and decodes two seconds from the middle, by seeking."""
    video = tmp_path / "in.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10",
         "-f", "lavfi", "-i", "sine=frequency=440", "-t", "30", "-g", "20", "-pix_fmt",
         "yuv420p", "-shortest", "-y", str(video)],
        check=True,
    )  # fmt: skip
    blobs.put_file("sources/j1/source.mp4", video)
    url = blobs.media_url("sources/j1/source.mp4")
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert abs(float(probe.stdout) - 30.0) < 0.5
    cut = tmp_path / "cut.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", "20", "-t", "2", "-i", url, "-vn", "-y", str(cut)],
        check=True,
    )
    assert 1.9 < (cut.stat().st_size - 44) / (44100 * 2) < 2.1  # 2 s of 16-bit mono at 44.1k
    with pytest.raises(NotFound):
        blobs.media_url("sources/j1/missing.mp4")


@pytest.mark.emulator
def test_a_gcs_media_url_serves_byte_ranges(gcs_blobs: GcsBlobs, http: httpx.Client) -> None:
    gcs_blobs.put_bytes("sources/j1/source.mp4", bytes(range(256)) * 4)
    got = http.get(gcs_blobs.media_url("sources/j1/source.mp4"), headers={"Range": "bytes=10-19"})
    assert got.status_code == 206 and got.content == bytes(range(10, 20))
