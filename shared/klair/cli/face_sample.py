"""A synthetic video with a drawn face moving across a textured frame, for the reframe
quality test and the export benchmark: OpenCV's face detector finds the drawing, and the
true face box of every frame is known."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]


def draw_face(size: int) -> Image:
    """A cartoon face (skin oval, brows, eyes, nose, mouth) on black, `size` pixels square."""
    img = np.zeros((size, size, 3), np.uint8)
    c = size // 2
    cv2.ellipse(img, (c, c), (int(size * 0.36), int(size * 0.46)), 0, 0, 360, (150, 180, 220), -1)
    for side in (-1, 1):
        ex = c + side * int(size * 0.16)
        brow, eye = int(c - size * 0.17), int(c - size * 0.08)
        cv2.ellipse(
            img, (ex, brow), (int(size * 0.09), int(size * 0.025)), 0, 0, 360, (40, 40, 60), -1
        )
        cv2.ellipse(
            img, (ex, eye), (int(size * 0.07), int(size * 0.04)), 0, 0, 360, (255, 255, 255), -1
        )
        cv2.circle(img, (ex, eye), int(size * 0.035), (30, 20, 20), -1)
    nose = np.array(
        [[c, int(c - size * 0.04)], [c - int(size * 0.05), int(c + size * 0.12)],
         [c + int(size * 0.05), int(c + size * 0.12)]]
    )  # fmt: skip
    cv2.fillPoly(img, [nose], (120, 150, 200))
    mouth = (int(size * 0.13), int(size * 0.04))
    cv2.ellipse(img, (c, int(c + size * 0.25)), mouth, 0, 0, 360, (60, 60, 150), -1)
    return img


def _background(width: int, height: int) -> Image:
    ramp = np.linspace(60, 120, width, dtype=np.float32)
    frame = np.repeat(np.repeat(ramp[None, :, None], height, 0), 3, 2).astype(np.uint8)
    rng = np.random.default_rng(7)
    for _ in range(12):  # furniture: a few flat boxes, far from face-like
        x, y = int(rng.integers(0, width - 40)), int(rng.integers(0, height - 40))
        colour = tuple(int(v) for v in rng.integers(40, 140, 3))
        cv2.rectangle(frame, (x, y), (x + int(rng.integers(20, 60)), y + 30), colour, -1)
    return frame


@dataclass
class FaceVideo:
    path: Path
    width: int
    height: int
    fps: int
    face: int  # face size, pixels
    boxes: list[tuple[int, int]] = field(default_factory=list)  # face top-left per frame


def make_face_video(
    path: Path, seconds: float = 8.0, width: int = 640, height: int = 360, fps: int = 25,
    face: int = 96,
) -> FaceVideo:  # fmt: skip
    """The face crosses from the left edge to the right edge and back, bobbing a little;
    a 220 Hz tone plays under it."""
    frames = round(seconds * fps)
    video = FaceVideo(path=path, width=width, height=height, fps=fps, face=face)
    base, drawing = _background(width, height), draw_face(face)
    mask = drawing.sum(axis=2) > 0
    command = [
        "ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{width}x{height}", "-r", str(fps), "-i", "pipe:0",
        "-f", "lavfi", "-i", f"sine=frequency=220:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-g", str(fps * 2), "-c:a", "aac", "-shortest", str(path),
    ]  # fmt: skip
    with subprocess.Popen(command, stdin=subprocess.PIPE) as encoder:
        assert encoder.stdin is not None
        for i in range(frames):
            phase = i / max(1, frames - 1)
            across = 1 - abs(2 * phase - 1)  # 0 → 1 → 0
            x = int(10 + across * (width - face - 20))
            y = int((height - face) / 2 + 12 * np.sin(i / fps * 2.0))
            frame = base.copy()
            frame[y : y + face, x : x + face][mask] = drawing[mask]
            video.boxes.append((x, y))
            encoder.stdin.write(frame.tobytes())
        encoder.stdin.close()
        if encoder.wait() != 0:
            raise RuntimeError("ffmpeg could not encode the face video")
    return video
