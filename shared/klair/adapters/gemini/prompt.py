"""What the model is told: a fixed editor's brief, then per excerpt its place in the source,
its transcript and the clip lengths wanted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from klair.adapters.gemini.timecode import format_mmss
from klair.domain.analysis.sentences import split_sentences
from klair.domain.transcript import Transcript

# Transcript lines handed to the model are sentences, cut at clauses past this length.
LINE_SECONDS = 15.0


@dataclass(frozen=True)
class Line:
    """One transcript line, absolute seconds of the source."""

    start: float
    end: float
    text: str


def lines_from(transcript: Transcript, start: float, end: float) -> tuple[Line, ...]:
    """The transcript's sentences that fall in [start, end), one line each."""
    words = transcript.words_between(start, end)
    sentences = split_sentences(words, LINE_SECONDS, opens_first=True, window_end=end)
    return tuple(Line(s.start, s.end, s.text) for s in sentences)


SYSTEM_INSTRUCTION = """\
You are the editor of a short-form video channel. You watch an excerpt of a longer video and \
pick the moments that would make the best stand-alone clips for TikTok, Reels and Shorts.

How to judge:
- hook: would the first three seconds stop someone scrolling?
- energy: delivery, emotion, laughter, emphasis, pace.
- clarity: easy to follow without the rest of the video; clear speech.
- completeness: a setup and a payoff; it ends when the thought ends.
- visual: what is on screen adds to it (action, gestures, demos, reactions).
Score each criterion 0-100 on what you observe, and give timestamped evidence for it.
Use the transcript, when given, for the words; use the video and the audio for delivery \
and for what is on screen.

Rules:
- Every time you write is MM:SS relative to the start of the excerpt you are shown: 00:00 \
is its first frame. Never write the time in the full video.
- A moment starts at the beginning of a sentence and ends after the thought is complete.
- Moments do not overlap. Return fewer moments, or none, rather than weak ones.
- Answer with JSON only, as the response schema describes."""


def _transcript_block(lines: Sequence[Line], start: float, end: float) -> str:
    inside = [line for line in lines if line.end > start and line.start < end]
    rows = [
        f"[{format_mmss(max(0.0, line.start - start))}-{format_mmss(line.end - start)}] "
        f"{line.text.strip()}"
        for line in inside
    ]
    return "\n".join(rows) if rows else "(no speech was detected)"


def excerpt_prompt(
    *,
    start: float,
    end: float,
    min_seconds: float,
    max_seconds: float,
    max_moments: int,
    transcript: Sequence[Line] | None,
    language: str | None,
    has_video: bool,
    has_audio: bool = True,
) -> str:
    """The text that follows the media part. `transcript` None asks the model to transcribe."""
    kind = "video" if has_video else "audio recording"
    parts = [
        f"This {kind} excerpt runs from {format_mmss(start)} to {format_mmss(end)} of the "
        f"source, {format_mmss(end - start)} long. 00:00 in the excerpt is {format_mmss(start)} "
        "in the source."
    ]
    if not has_video:
        parts.append("There is no picture: score visual 0.")
    elif not has_audio:
        parts.append("The video is sent without its sound: judge delivery from the words.")
    if transcript is None:
        spoken = f"The speech is in '{language}'." if language else "Detect the spoken language."
        parts.append(
            f"No transcript is given. {spoken} Transcribe everything said in `transcript`, "
            "one line per sentence, with times relative to the excerpt, and set `language`."
        )
    else:
        lang = f" (language '{language}')" if language else ""
        block = _transcript_block(transcript, start, end)
        parts.append(f"Transcript{lang}, times relative to the excerpt:\n{block}")
    parts.append(
        f"Find up to {max_moments} moments, each {min_seconds:g} to {max_seconds:g} seconds "
        "long, best first. Times are MM:SS relative to the excerpt."
    )
    return "\n\n".join(parts)


def repair_note(problem: str) -> str:
    """Appended to the same request when its first answer could not be used."""
    return (
        f"An earlier answer to this request could not be used: {problem}. Answer again: only "
        "the JSON object the response schema describes, complete, with every time as MM:SS "
        "relative to the excerpt. Describe sensitive content neutrally rather than refusing."
    )
