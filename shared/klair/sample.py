"""A deterministic sample talking video (test patterns and espeak-ng speech) for demos and tests."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from array import array
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Sample:
    """The generated file and the ground truth a test can check analysis against."""

    path: Path
    duration: float
    speech: list[tuple[float, float]]
    pauses: list[tuple[float, float]]
    cuts: list[float]
    has_video: bool


def _require(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise RuntimeError(f"{tool} is needed to make the sample video: apt-get install {package}")
    return found


def _speak(espeak: str, text: str, amplitude: int, path: Path) -> array[int]:
    """16-bit mono samples of one sentence with espeak's leading and trailing quiet removed."""
    subprocess.run(
        [espeak, "-v", "en-us", "-s", "165", "-a", str(amplitude), "-w", str(path), text],
        check=True,
        capture_output=True,
    )
    with wave.open(str(path), "rb") as wav:
        samples = array("h", wav.readframes(wav.getnframes()))
    first = next((i for i, s in enumerate(samples) if abs(s) >= TRIM_LEVEL), 0)
    last = next((i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) >= TRIM_LEVEL), 0)
    return samples[first : last + 1]


def _speech_track(
    seconds: float, tmp: Path
) -> tuple[Path, list[tuple[float, float]], list[tuple[float, float]]]:
    """Sentences separated by known pauses, as one wav of exactly `seconds` seconds."""
    espeak = _require("espeak-ng", "espeak-ng")
    total = round(seconds * ESPEAK_RATE)
    track = array("h", bytes(2 * round(LEAD_IN * ESPEAK_RATE)))
    speech: list[tuple[float, float]] = []
    pauses: list[tuple[float, float]] = []
    voices: dict[int, array[int]] = {}
    for i in range(10_000):
        n = i % len(SENTENCES)
        if n not in voices:
            voices[n] = _speak(espeak, *SENTENCES[n], tmp / f"s{n}.wav")
        voice = voices[n]
        pause = round(PAUSES[i % len(PAUSES)] * ESPEAK_RATE)
        if len(track) + len(voice) + pause > total:
            break
        start = len(track)
        track.extend(voice)
        speech.append((start / ESPEAK_RATE, len(track) / ESPEAK_RATE))
        track.extend(array("h", bytes(2 * pause)))
        pauses.append((speech[-1][1], len(track) / ESPEAK_RATE))
    track.extend(array("h", bytes(2 * max(0, total - len(track)))))
    path = tmp / "speech.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(ESPEAK_RATE)
        wav.writeframes(track.tobytes())
    return path, speech, pauses


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
    ffmpeg = _require("ffmpeg", "ffmpeg")
    durations = _shots(seconds)
    cuts = [sum(durations[:i]) for i in range(1, len(durations))] if video else []
    video_graph = _video_graph(durations, width, height, fps) if video else None
    with tempfile.TemporaryDirectory(prefix="klair-sample-") as tmp:
        speech_wav, speech, pauses = _speech_track(seconds, Path(tmp))
        command = _mux_command(ffmpeg, speech_wav, path, seconds, video_graph)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not make the sample: {done.stderr.strip()[-2000:]}")
    return Sample(path, seconds, speech, pauses, cuts, video)
