"""The clip-quality set's picture: shots of the speaker full frame (the drawn face of
klair.cli.face_sample, large, walking slowly across the stage) and of slides (a bright slide
filling the frame, the speaker small in a corner inset). Each shot's face box is known at
every frame: it moves linearly from `box0` to `box1`."""

from __future__ import annotations

import random
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from klair.cli.face_sample import draw_face

Box = tuple[int, int, int, int]  # x, y, w, h in source pixels


@dataclass(frozen=True)
class Scene:
    kind: str  # "speaker" | "slide"
    start: float
    end: float
    box0: Box
    box1: Box

    def box_at(self, t: float) -> Box:
        """The face box at `t` seconds, as drawn (rounded like the frames)."""
        share = (t - self.start) / (self.end - self.start) if self.end > self.start else 0.0
        share = min(1.0, max(0.0, share))
        x = round(self.box0[0] + (self.box1[0] - self.box0[0]) * share)
        y = round(self.box0[1] + (self.box1[1] - self.box0[1]) * share)
        return x, y, self.box0[2], self.box0[3]

    def json(self) -> dict[str, object]:
        return asdict(self)


def plan_scenes(duration: float, fps: int, width: int, height: int, seed: int) -> list[Scene]:
    """Shots of 8–20 s (whole frames), speaker first, then speaker or slide at random."""
    rng = random.Random(seed)
    scenes: list[Scene] = []
    frame = 0
    total = round(duration * fps)
    while frame < total:
        frames = min(total - frame, round(rng.uniform(8, 20) * fps))
        start, end = frame / fps, (frame + frames) / fps
        if not scenes or rng.random() < 0.5:
            size = rng.randint(200, 260)
            y = (height - size) // 2 - rng.randint(0, 40)
            x0 = rng.randint(40, width - size - 40)
            reach = min(width - size - 40, x0 + round(30 * (end - start)))
            x1 = rng.randint(max(40, x0 - round(30 * (end - start))), reach)
            scenes.append(Scene("speaker", start, end, (x0, y, size, size), (x1, y, size, size)))
        else:
            size, margin = rng.randint(50, 90), 24
            x = rng.choice((margin, width - size - margin))
            y = rng.choice((margin, height - size - margin))
            scenes.append(Scene("slide", start, end, (x, y, size, size), (x, y, size, size)))
        frame += frames
    return scenes


def _stage(width: int, height: int, rng: random.Random) -> np.ndarray:
    ramp = np.linspace(50, 110, width, dtype=np.float32)
    img = np.repeat(np.repeat(ramp[None, :, None], height, 0), 3, 2).astype(np.uint8)
    for _ in range(14):  # furniture: flat boxes, far from face-like
        x, y = rng.randint(0, width - 80), rng.randint(0, height - 60)
        colour = tuple(rng.randint(40, 140) for _ in range(3))
        cv2.rectangle(img, (x, y), (x + rng.randint(40, 120), y + 60), colour, -1)
    return img


def _slide(width: int, height: int, rng: random.Random, face: Box) -> np.ndarray:
    """A bright slide: title, bullet lines, a bar chart; a dark inset behind the face."""
    img = np.full((height, width, 3), (245, 242, 238), np.uint8)
    cv2.rectangle(img, (0, 0), (width, 110), (150, 90, 30), -1)
    words = ("Results", "Why it matters", "Key numbers", "Next steps", "Overview", "Method")
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(img, rng.choice(words), (60, 75), font, 2.0, (255, 255, 255), 4)
    for i in range(rng.randint(3, 5)):
        text = " ".join(rng.choice(words).lower() for _ in range(3))
        cv2.circle(img, (80, 190 + 80 * i), 10, (60, 60, 60), -1)
        cv2.putText(img, text, (110, 205 + 80 * i), font, 1.2, (40, 40, 40), 2)
    for i in range(5):  # a bar chart on the right
        bar = rng.randint(60, 300)
        x = width - 480 + 70 * i
        cv2.rectangle(img, (x, 620 - bar), (x + 45, 620), (40 + 40 * i, 120, 200), -1)
    x, y, w, h = face
    cv2.rectangle(img, (x - 12, y - 12), (x + w + 12, y + h + 12), (70, 70, 70), -1)
    return img


def render(
    path: Path, audio: Path, scenes: list[Scene], width: int, height: int, fps: int, seed: int
) -> None:
    """Encode the shots (frames piped to ffmpeg) with the soundtrack `audio`."""
    rng = random.Random(seed)
    command = [
        "ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{width}x{height}", "-r", str(fps), "-i", "pipe:0", "-i", str(audio),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p",
        "-g", str(fps * 2), "-c:a", "aac", "-b:a", "96k", "-ar", "44100", "-ac", "2",
        "-map_metadata", "-1", "-movflags", "+faststart", str(path),
    ]  # fmt: skip
    faces: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    with subprocess.Popen(command, stdin=subprocess.PIPE) as encoder:
        assert encoder.stdin is not None
        for scene in scenes:
            size = scene.box0[2]
            if size not in faces:
                drawing = draw_face(size)
                faces[size] = (drawing, drawing.sum(axis=2) > 0)
            drawing, mask = faces[size]
            if scene.kind == "slide":
                base = _slide(width, height, rng, scene.box0)
            else:
                base = _stage(width, height, rng)
            first, last = round(scene.start * fps), round(scene.end * fps)
            for i in range(first, last):
                x, y, _, _ = scene.box_at(i / fps)
                frame = base.copy()
                frame[y : y + size, x : x + size][mask] = drawing[mask]
                encoder.stdin.write(frame.tobytes())
        encoder.stdin.close()
        if encoder.wait() != 0:
            raise RuntimeError("ffmpeg could not encode the quality talk")
