"""A deterministic sample talking video (test patterns and espeak-ng speech) for demos and tests."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# (sentence, espeak-ng amplitude 0-200): loud, normal and quiet passages.
SENTENCES: tuple[tuple[str, int], ...] = (
    ("Welcome back to the channel where we turn long videos into short clips.", 70),
    ("Today I want to show you something really surprising.", 70),
    ("This is the most important part so listen carefully!", 120),
    ("It is loud and it is exciting and you will love it!", 120),
    ("Now we slow down for a quieter moment.", 25),
    ("Take a breath and think about what you just heard.", 25),
    ("Let us talk about how the pipeline finds the best moments.", 70),
    ("And that is the big reveal everybody was waiting for!", 120),
    ("Thank you for watching and see you next time.", 60),
)
# Seconds of pause after each sentence, cycled; each is longer than silencedetect's 0.4 s.
PAUSES = (1.2, 0.9, 1.6, 1.0, 1.4, 0.8, 1.8)
# Seconds per shot, cycled; every shot boundary is a hard cut.
SHOTS = (7.0, 5.5, 9.0, 6.5, 8.0)
LEAD_IN = 0.6
ESPEAK_RATE = 22050
# Speech trimmed at its edges below this sample value (about -40 dBFS).
TRIM_LEVEL = 330


# Lines spoken at least this loud (espeak-ng amplitude) are the planted emphatic moments.
EMPHATIC_AMPLITUDE = 100
# Silence after the last line of a script.
TRAIL = 1.5


@dataclass(frozen=True)
class Line:
    """One sentence of a script, with its espeak-ng amplitude (0-200), words per minute and
    voice (`espeak-ng --voices`: "es", "fr", "de"...)."""

    text: str
    amplitude: int = 70
    speed: int = 165
    voice: str = "en-us"

    @property
    def emphatic(self) -> bool:
        return self.amplitude >= EMPHATIC_AMPLITUDE


@dataclass(frozen=True)
class Spoken:
    """A line as placed in the generated file (seconds)."""

    text: str
    start: float
    end: float
    emphatic: bool


@dataclass(frozen=True)
class Sample:
    """The generated file and the ground truth a test can check analysis against."""

    path: Path
    duration: float
    speech: list[tuple[float, float]]
    pauses: list[tuple[float, float]]
    cuts: list[float]
    has_video: bool
    sentences: list[Spoken] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def emphatic(self) -> list[tuple[float, float]]:
        """The planted moments: runs of consecutive emphatic sentences, (start, end)."""
        runs: list[tuple[float, float]] = []
        previous = False
        for sentence in self.sentences:
            if sentence.emphatic and previous:
                runs[-1] = (runs[-1][0], sentence.end)
            elif sentence.emphatic:
                runs.append((sentence.start, sentence.end))
            previous = sentence.emphatic
        return runs

    @property
    def gaps(self) -> list[tuple[float, float]]:
        """Every stretch without speech: lead-in, pauses between lines, and the tail."""
        edges = [0.0, *(t for span in self.speech for t in span), self.duration]
        return [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b >= a]


def _require(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise RuntimeError(f"{tool} is needed to make the sample video: apt-get install {package}")
    return found


def _speak(espeak: str, line: Line, path: Path) -> array[int]:
    """16-bit mono samples of one sentence with espeak's leading and trailing quiet removed."""
    speed, amplitude = str(line.speed), str(line.amplitude)
    subprocess.run(
        [espeak, "-v", line.voice, "-s", speed, "-a", amplitude, "-w", str(path), line.text],
        check=True,
        capture_output=True,
    )
    with wave.open(str(path), "rb") as wav:
        samples = array("h", wav.readframes(wav.getnframes()))
    first = next((i for i, s in enumerate(samples) if abs(s) >= TRIM_LEVEL), 0)
    last = next((i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) >= TRIM_LEVEL), 0)
    return samples[first : last + 1]


@dataclass
class _Track:
    samples: array[int]
    sentences: list[Spoken]
    pauses: list[tuple[float, float]]


def _place(espeak: str, lines: Sequence[Line], total: int | None, tmp: Path) -> _Track:
    """Lines with known pauses between them: cycled until `total` samples would overflow, or
    each spoken once when `total` is None."""
    track = _Track(array("h", bytes(2 * round(LEAD_IN * ESPEAK_RATE))), [], [])
    voices: dict[int, array[int]] = {}
    count = len(lines) if total is None else 10_000
    for i in range(count):
        n = i % len(lines)
        if n not in voices:
            voices[n] = _speak(espeak, lines[n], tmp / f"s{n}.wav")
        pause = round(PAUSES[i % len(PAUSES)] * ESPEAK_RATE)
        if total is not None and len(track.samples) + len(voices[n]) + pause > total:
            break
        start = len(track.samples) / ESPEAK_RATE
        track.samples.extend(voices[n])
        end = len(track.samples) / ESPEAK_RATE
        track.sentences.append(Spoken(lines[n].text, start, end, lines[n].emphatic))
        if total is not None or i < count - 1:
            track.samples.extend(array("h", bytes(2 * pause)))
            track.pauses.append((end, len(track.samples) / ESPEAK_RATE))
    return track


def _speech_track(
    lines: Sequence[Line], seconds: float | None, tmp: Path
) -> tuple[Path, _Track, float]:
    """The lines as one wav of exactly `seconds` (or as long as the script and a short tail)."""
    espeak = _require("espeak-ng", "espeak-ng")
    total = None if seconds is None else round(seconds * ESPEAK_RATE)
    track = _place(espeak, lines, total, tmp)
    if total is None:
        total = len(track.samples) + round(TRAIL * ESPEAK_RATE)
    track.samples.extend(array("h", bytes(2 * max(0, total - len(track.samples)))))
    path = tmp / "speech.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(ESPEAK_RATE)
        wav.writeframes(track.samples.tobytes())
    return path, track, total / ESPEAK_RATE


def _shots(seconds: float) -> list[float]:
    durations: list[float] = []
    while sum(durations) < seconds:
        durations.append(min(SHOTS[len(durations) % len(SHOTS)], seconds - sum(durations)))
    return durations


def _video_graph(durations: list[float], width: int, height: int, fps: int) -> str:
    """Four visibly different kinds of shot, cycled, joined with hard cuts."""
    size = f"s={width}x{height}:r={fps}"
    parts = []
    for i, d in enumerate(durations):
        kind = i % 4
        if kind == 0:
            shot = f"testsrc2={size}:d={d}"
        elif kind == 1:
            shot = f"smptehdbars={size}:d={d}"
        elif kind == 2:
            shot = f"testsrc2={size}:d={d},negate"
        else:
            pip = f"s={width // 3}x{height // 3}:r={fps}:d={d}"
            shot = (
                f"color=c=0x203050:{size}:d={d}[bg{i}];testsrc2={pip}[pip{i}];"
                f"[bg{i}][pip{i}]overlay=x='{width // 20}+{width // 40}*t':y={height // 2}"
            )
        parts.append(f"{shot},format=yuv420p,setsar=1[v{i}]")
    joined = "".join(f"[v{i}]" for i in range(len(durations)))
    return ";".join(parts) + f";{joined}concat=n={len(durations)}:v=1:a=0[v]"


def _mux_command(
    ffmpeg: str, speech_wav: Path, path: Path, seconds: float, video_graph: str | None
) -> list[str]:
    """Speech over a faint pink-noise floor, plus the picture when there is one."""
    graph = (
        f"anoisesrc=r={ESPEAK_RATE}:a=0.003:c=pink:seed=7:d={seconds}[noise];"
        "[0:a][noise]amix=inputs=2:duration=first:normalize=0,"
        "aformat=sample_rates=44100:channel_layouts=stereo[a]"
    )
    maps = ["-map", "[a]"]
    if video_graph is not None:
        graph = video_graph + ";" + graph
        maps = ["-map", "[v]", *maps, "-c:v", "libx264", "-preset", "veryfast", "-crf", "28"]
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-i", str(speech_wav), "-filter_complex", graph, *maps,
        "-c:a", "aac", "-aac_coder", "fast", "-b:a", "96k", "-t", str(seconds),
        "-fflags", "+bitexact", "-map_metadata", "-1", "-movflags", "+faststart",
        str(path),
    ]  # fmt: skip


def _make(
    path: Path, lines: Sequence[Line], seconds: float | None, frame: tuple[int, int, int] | None
) -> Sample:
    ffmpeg = _require("ffmpeg", "ffmpeg")
    with tempfile.TemporaryDirectory(prefix="klair-sample-") as tmp:
        speech_wav, track, duration = _speech_track(lines, seconds, Path(tmp))
        durations = _shots(duration)
        cuts = [sum(durations[:i]) for i in range(1, len(durations))] if frame else []
        video_graph = _video_graph(durations, *frame) if frame else None
        command = _mux_command(ffmpeg, speech_wav, path, duration, video_graph)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not make the sample: {done.stderr.strip()[-2000:]}")
    speech = [(s.start, s.end) for s in track.sentences]
    return Sample(path, duration, speech, track.pauses, cuts, frame is not None, track.sentences)


def make_sample_video(
    path: Path,
    seconds: float = 90.0,
    *,
    width: int = 640,
    height: int = 360,
    fps: int = 25,
    video: bool = True,
) -> Sample:
    """Write an H.264/AAC mp4 (or, with `video=False`, an AAC-only file) to `path`.

    Sentences of espeak-ng speech separated by pauses, with loud and quiet passages; the
    picture cycles through test patterns with hard cuts. The same arguments always give the
    same bytes (with the same ffmpeg and espeak-ng). Raises RuntimeError naming the missing
    tool when ffmpeg or espeak-ng is not installed.
    """
    lines = [Line(text, amplitude) for text, amplitude in SENTENCES]
    return _make(path, lines, seconds, (width, height, fps) if video else None)


def make_talk_video(
    path: Path,
    lines: Sequence[Line],
    *,
    width: int = 640,
    height: int = 360,
    fps: int = 25,
    video: bool = True,
) -> Sample:
    """Like `make_sample_video`, but speaking `lines` once each, in order (then a short tail
    of silence): a script with known sentence boundaries and planted emphatic lines."""
    if not lines:
        raise ValueError("a talk needs at least one line")
    return _make(path, lines, None, (width, height, fps) if video else None)
