"""`report.html`: one self-contained page next to a run's clips — the source timeline with the
clips drawn on it, each clip's score per criterion, thumbnail, player and reason, and the
transcript with the clips' spans highlighted. Built from `results.json` and `transcript.json`."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from klair.cli.report_page import PALETTE, page
from klair.domain.analysis.insights import Insights
from klair.domain.clip import Clip
from klair.domain.job import Job
from klair.domain.transcript import Transcript, Word

REPORT = "report.html"
# The transcript starts a new paragraph after a pause this long, or after a sentence once a
# paragraph has this many words.
PARAGRAPH_PAUSE = 1.5
PARAGRAPH_WORDS = 60
AUX_FILES = ("thumbnail", "srt", "vtt", "edl", "otio")


@dataclass(frozen=True)
class ClipView:
    clip: Clip
    files: dict[str, str]
    thumbnail: str | None  # a data: URI

    @property
    def video(self) -> str | None:
        """The first rendered variant (a video, or audio for audio jobs)."""
        return next((f for k, f in self.files.items() if k not in AUX_FILES), None)


@dataclass(frozen=True)
class Report:
    job: Job
    clips: list[ClipView]
    transcript: Transcript | None
    insights: Insights | None

    @property
    def duration(self) -> float:
        known = [self.job.media.duration] if self.job.media else []
        ends = [c.clip.end for c in self.clips]
        ends += [self.transcript.end] if self.transcript else []
        return max([*known, *ends, 1.0])


def clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _data_uri(path: Path) -> str | None:
    if not path.is_file():
        return None
    mime = "image/png" if path.suffix == ".png" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def load(folder: Path) -> Report:
    """The report of the run whose results are in `folder`."""
    results: dict[str, Any] = json.loads((folder / "results.json").read_text())
    clips = []
    for row in results.get("clips", []):
        files = {str(k): str(v) for k, v in (row.get("files") or {}).items()}
        thumbnail = _data_uri(folder / files["thumbnail"]) if "thumbnail" in files else None
        clips.append(ClipView(Clip.model_validate(row), files, thumbnail))
    transcript = None
    name = (results.get("transcript") or {}).get("json")
    if name and (folder / name).is_file():
        transcript = Transcript.model_validate_json((folder / name).read_text())
    insights = Insights.model_validate(results["insights"]) if results.get("insights") else None
    return Report(Job.model_validate(results["job"]), clips, transcript, insights)


def write_report(folder: Path) -> Path:
    """Write `folder/report.html` from the run's results in `folder`."""
    path = folder / REPORT
    path.write_text(render(load(folder)), encoding="utf-8")
    return path


def _pct(t: float, duration: float) -> str:
    return f"{100 * min(max(t, 0.0), duration) / duration:.3f}%"


def _colour(view: ClipView) -> str:
    return f"c{(view.clip.rank - 1) % len(PALETTE)}"


def _meta(report: Report) -> str:
    job, media = report.job, report.job.media
    source = job.source.filename or (str(job.source.url) if job.source.url else job.id)
    items = [f"source <b>{escape(source)}</b>", f"length {clock(report.duration)}"]
    if media and media.width and media.height:
        items.append(f"{media.width}×{media.height}")
    items += [f"status <b>{escape(job.status.value)}</b>", f"{len(report.clips)} clips"]
    if job.error:
        items.append(f"error {escape(job.error.code)}: {escape(job.error.message)}")
    if job.cost.usd:
        items.append(f"analysis ${job.cost.usd:.4f}")
    return "".join(f"<span>{item}</span>" for item in items)


def _timeline(report: Report) -> tuple[str, str, str]:
    """(chapter bands, clip segments, axis ticks) of the source's timeline."""
    d = report.duration
    chapters = "".join(
        f'<div class="chapter" style="left:{_pct(c.start, d)};width:{_pct(c.end - c.start, d)}"'
        f' title="{escape(c.title)}">{escape(c.title)}</div>'
        for c in (report.insights.chapters if report.insights else [])
    )
    segments = "".join(
        f'<a class="segment {_colour(v)}" href="#{v.clip.id}" data-clip="{v.clip.id}" '
        f'style="left:{_pct(v.clip.start, d)};width:{_pct(v.clip.duration, d)}" '
        f'title="#{v.clip.rank} {clock(v.clip.start)}–{clock(v.clip.end)} '
        f'score {v.clip.score:.0f}">{v.clip.rank}</a>'
        for v in report.clips
    )
    step = next((s for s in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800) if d / s <= 12), 3600)
    ticks = "".join(
        f'<span class="tick" style="left:{_pct(t, d)}">{clock(t)}</span>'
        for t in range(0, int(d) + 1, step)
    )
    return chapters, segments, ticks


def _bars(clip: Clip, colour: str) -> str:
    rows = "".join(
        f'<span>{escape(name)}</span><div class="bar"><span class="{colour}" '
        f'style="width:{min(max(value, 0.0), 100.0):.1f}%"></span></div><b>{value:.0f}</b>'
        for name, value in clip.scores.items()
    )
    return f'<div class="bars">{rows}</div>'


def _evidence(clip: Clip) -> str:
    items = "".join(
        f'<li><button class="seek" data-t="{e.at:.3f}">{clock(e.at)}</button>'
        f"<b>{escape(name)}</b> {escape(e.text)}</li>"
        for name, found in clip.evidence.items()
        for e in found
    )
    return f"<details><summary>Evidence</summary><ul>{items}</ul></details>" if items else ""


def _card(view: ClipView) -> str:
    clip, colour = view.clip, _colour(view)
    video = (
        f'<video controls preload="metadata" src="{escape(quote(view.video))}"'
        f' poster="{escape(quote(view.files.get("thumbnail", "")))}"></video>'
        if view.video
        else '<p class="empty">no exported file</p>'
    )
    thumb = f'<img class="thumb" alt="thumbnail" src="{view.thumbnail}">' if view.thumbnail else ""
    title = clip.title or f"Clip {clip.rank}"
    links = "".join(
        f'<a href="{escape(quote(name))}">{escape(kind)}</a>'
        for kind, name in view.files.items()
        if kind != "thumbnail"
    )
    hook = f"<p><i>{escape(clip.hook_line)}</i></p>" if clip.hook_line else ""
    return (
        f'<article class="clip panel {colour}" id="{clip.id}" data-start="{clip.start:.3f}" '
        f'data-end="{clip.end:.3f}"><div>{video}</div><div>{thumb}'
        f'<span class="score">{clip.score:.0f}</span><h3>#{clip.rank} {escape(title)}</h3>'
        f'<div class="when">{clock(clip.start)}–{clock(clip.end)} · {clip.duration:.1f} s</div>'
        f'{hook}{_bars(clip, colour)}<p class="reason">{escape(clip.reason)}</p>'
        f'{_evidence(clip)}<div class="files">{links}</div></div></article>'
    )


def _owner(word: Word, clips: list[ClipView]) -> ClipView | None:
    return next((v for v in clips if v.clip.start <= word.middle < v.clip.end), None)


def _paragraphs(words: list[Word]) -> list[list[Word]]:
    paragraphs: list[list[Word]] = []
    for word in words:
        current = paragraphs[-1] if paragraphs else None
        if (
            current is None
            or word.start - current[-1].end >= PARAGRAPH_PAUSE
            or (len(current) >= PARAGRAPH_WORDS and current[-1].terminal)
        ):
            paragraphs.append([word])
        else:
            current.append(word)
    return paragraphs


def _paragraph(words: list[Word], clips: list[ClipView]) -> str:
    """Words, with each run inside one clip wrapped in that clip's highlight."""
    parts: list[str] = []
    open_clip: ClipView | None = None
    for i, word in enumerate(words):
        owner = _owner(word, clips)
        if owner is not open_clip:
            if open_clip is not None:
                parts.append("</mark>")
            parts.append(" " if i else "")
            if owner is not None:
                parts.append(
                    f'<mark class="hl {_colour(owner)}" data-clip="{owner.clip.id}" '
                    f'title="clip #{owner.clip.rank}">'
                )
            open_clip = owner
        elif i:
            parts.append(" ")
        parts.append(escape(word.text))
    if open_clip is not None:
        parts.append("</mark>")
    return f'<p><span class="at">{clock(words[0].start)}</span>{"".join(parts)}</p>'


def _transcript(report: Report) -> str:
    if report.transcript is None or not report.transcript.words:
        return '<p class="empty">No transcript for this run.</p>'
    return "".join(_paragraph(p, report.clips) for p in _paragraphs(report.transcript.words))


def _insights(report: Report) -> str:
    found = report.insights
    if found is None:
        return '<p class="empty">No insights for this run.</p>'
    keywords = "".join(f"<span>{escape(k.term)} ×{k.count}</span>" for k in found.keywords)
    chapters = "".join(f"<li>{clock(c.start)} {escape(c.title)}</li>" for c in found.chapters)
    quotes = "".join(
        f"<li>{clock(q.start)} “{escape(q.text)}” <i>{q.score:.0f}</i></li>" for q in found.quotes
    )
    return (
        f"<p>{found.word_count} words, {found.words_per_minute:.0f} per minute, "
        f"{found.speech_seconds:.0f} s of speech</p><div class='chips'>{keywords}</div>"
        f"<h3>Chapters</h3><ol>{chapters}</ol><h3>Quotable</h3><ul>{quotes}</ul>"
    )


def render(report: Report) -> str:
    chapters, segments, ticks = _timeline(report)
    cards = "".join(_card(v) for v in report.clips)
    return page(
        title=escape(f"Klair report · {report.job.id}"),
        duration=f"{report.duration:.3f}",
        meta=_meta(report),
        chapters=chapters,
        segments=segments,
        ticks=ticks,
        clips=cards or '<p class="empty">No clips.</p>',
        transcript=_transcript(report),
        insights=_insights(report),
    )
