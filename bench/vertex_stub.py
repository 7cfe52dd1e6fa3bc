"""A local Vertex AI generateContent endpoint that bills like Vertex: the real google-genai
client talks to it, and each answer's `usageMetadata` counts the request's shape by Vertex's
documented token rules. The bench measures configurations on it; the quality guard uses it.

How Vertex counts a Gemini 3 prompt (Vertex "video/audio understanding", "media resolution"):
- a video part: one frame per 1/fps seconds of the clipped span (`video_metadata`; fps 1
  when unset) at 70 tokens a frame (low, medium or unset resolution; 280 at high), plus 32
  tokens a second of the span when the file has a sound track;
- an audio part: 32 tokens a second of the span clipped by `audio_metadata`; Vertex reads
  `video_metadata` on video parts only, so an audio part clipped that way counts whole;
- text (system instruction, prompt, response schema): about 4 characters a token;
- thinking: what the model spends at the requested level (the first level's figure is the
  `good` fixture's 640 at LOW; the others are assumptions, only used when asked for);
- implicit caching needs an identical prefix of at least 4,096 tokens (3.8 Flash): the
  system instruction and schema are far below it, so `cachedContentTokenCount` stays 0.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKENS_PER_FRAME = {"MEDIA_RESOLUTION_HIGH": 280}  # every other resolution: 70
FRAME_TOKENS = 70
AUDIO_TOKENS_PER_SECOND = 32
CHARS_PER_TOKEN = 4
THOUGHTS = {"MINIMAL": 0, "LOW": 640, "MEDIUM": 1500, "HIGH": 4000}
CACHE_MINIMUM_TOKENS = 4096


@dataclass(frozen=True)
class MediaFile:
    """What the stub knows of a `gs://` object: its length and whether it has sound."""

    duration: float
    has_sound: bool


Answer = Callable[[dict[str, Any]], dict[str, Any]]


def _get(body: dict[str, Any], name: str) -> Any:
    """A field by its camelCase name, or its snake_case one (the client sends either)."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    return body.get(name, body.get(snake))


def _seconds(value: str | None, default: float) -> float:
    return default if value is None else float(value.rstrip("s"))


def _span(meta: dict[str, Any] | None, whole: float) -> float:
    if not meta:
        return whole
    start = _seconds(_get(meta, "startOffset"), 0.0)
    return max(0.0, min(whole, _seconds(_get(meta, "endOffset"), whole)) - start)


@dataclass
class Usage:
    text: int = 0
    video: int = 0
    audio: int = 0

    def add_part(self, part: dict[str, Any], files: dict[str, MediaFile], resolution: str) -> None:
        if "text" in part:
            self.text += math.ceil(len(part["text"]) / CHARS_PER_TOKEN)
            return
        data = _get(part, "fileData")
        media = files[_get(data, "fileUri")]
        if _get(data, "mimeType").startswith("video/"):
            meta = _get(part, "videoMetadata")
            span = _span(meta, media.duration)
            fps = float((meta or {}).get("fps") or 1.0)
            frames = math.ceil(span * fps)
            self.video += frames * TOKENS_PER_FRAME.get(resolution, FRAME_TOKENS)
            if media.has_sound:
                self.audio += round(span * AUDIO_TOKENS_PER_SECOND)
        else:
            self.audio += round(
                _span(_get(part, "audioMetadata"), media.duration) * AUDIO_TOKENS_PER_SECOND
            )


def usage_for(body: dict[str, Any], files: dict[str, MediaFile], answer: str) -> dict[str, Any]:
    """The `usageMetadata` Vertex would report for this request and answer."""
    config = _get(body, "generationConfig") or {}
    usage = Usage()
    system = _get(body, "systemInstruction") or {"parts": []}
    resolution = str(_get(config, "mediaResolution") or "")
    for part in [*system["parts"], *(p for c in body["contents"] for p in c["parts"])]:
        usage.add_part(part, files, resolution)
    usage.text += math.ceil(len(json.dumps(_get(config, "responseSchema"))) / CHARS_PER_TOKEN)
    level = str(_get(_get(config, "thinkingConfig") or {}, "thinkingLevel") or "HIGH")
    out = math.ceil(len(answer) / CHARS_PER_TOKEN)
    prompt = usage.text + usage.video + usage.audio
    details = [("TEXT", usage.text), ("VIDEO", usage.video), ("AUDIO", usage.audio)]
    return {
        "promptTokenCount": prompt,
        "candidatesTokenCount": out,
        "thoughtsTokenCount": THOUGHTS[level],
        "totalTokenCount": prompt + out + THOUGHTS[level],
        "promptTokensDetails": [{"modality": m, "tokenCount": n} for m, n in details if n],
    }


@dataclass
class CountingVertex:
    """Answers every generateContent with `answer(request body)` (the JSON object the schema
    asks for) and the usage Vertex would bill for it; keeps every request and its usage."""

    files: dict[str, MediaFile]
    answer: Answer
    calls: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(self.answer(body))
        usage = usage_for(body, self.files, text)
        self.calls.append((body, usage))
        content = {"role": "model", "parts": [{"text": text}]}
        return {
            "candidates": [{"content": content, "finishReason": "STOP"}],
            "usageMetadata": usage,
        }

    @contextmanager
    def running(self) -> Iterator[str]:
        """Serve on a free local port; yields the base URL for `HttpOptions(base_url=...)`."""
        stub, lock = self, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    data = json.dumps(stub.reply(json.loads(raw))).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            host, port = server.server_address[:2]
            yield f"http://{host!s}:{port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
