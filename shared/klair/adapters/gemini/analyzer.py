"""Gemini as Klair's model analyzer: one chunk of a job in, candidates with their cost out,
falling back to the offline analyzer's candidates whenever Gemini gives nothing usable."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

import structlog
from google import genai

from klair.adapters.gemini.agent import ExcerptAgent, ExcerptOutcome
from klair.adapters.gemini.client import LazyClient
from klair.adapters.gemini.cost import Budget, plan
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.prompt import Line, lines_from
from klair.adapters.gemini.request import ChunkRequest
from klair.adapters.gemini.two_stage import shortlist
from klair.domain import naming
from klair.domain.clip import Candidate
from klair.domain.cost import Cost
from klair.domain.job import Job
from klair.domain.transcript import Transcript, Word
from klair.ports.media import ModelAnalysis

log = structlog.get_logger(__name__)

# Whisper tiny.en guessing at speech it cannot understand reports low word probabilities:
# below this mean, the chunk is treated as not English and Gemini transcribes it instead.
ENGLISH_CONFIDENCE = 0.45


def needs_transcription(language: str | None, transcript: Transcript | None) -> bool:
    """True when the offline transcript cannot be trusted: no transcript, a language other
    than English asked for, or words tiny.en was plainly guessing at."""
    if language and not language.lower().startswith("en"):
        return True
    if transcript is None:
        return True
    words = transcript.words
    return bool(words) and sum(w.probability for w in words) / len(words) < ENGLISH_CONFIDENCE


def heard_transcript(lines: Sequence[Line], start: float, end: float, language: str) -> Transcript:
    """Gemini's line-timed transcript as words (spread evenly over each line), so captions
    and insights can use it like Whisper's."""
    words: list[Word] = []
    for line in lines:
        texts = line.text.split()
        step = (line.end - line.start) / max(1, len(texts))
        for i, text in enumerate(texts):
            at = line.start + i * step
            words.append(Word(start=at, end=at + 0.9 * step, text=text, probability=0.9))
    speech = [(line.start, line.end) for line in lines if line.end > line.start]
    return Transcript(start=start, end=end, language=language, words=words, speech=speech)


class GeminiAnalyzer:
    """Full mode watches the whole chunk; two-stage only the windows around the offline
    analyzer's best candidates. Clients are created on the first call, never before."""

    def __init__(
        self,
        options: GeminiOptions,
        media_uri: Callable[[str], str],
        client: Callable[[], genai.Client] | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self._options = options
        self._media_uri = media_uri
        self._agent = ExcerptAgent(client or LazyClient(options), options, clock)
        self._today = today  # prices are those in force on the day of the call (UTC)

    def _requests(
        self, job: Job, start: float, end: float, transcript: Transcript | None,
        offline: Sequence[Candidate], chunk: int | None = None,
    ) -> list[ChunkRequest]:  # fmt: skip
        opts, has_video = job.options, job.media is None or job.media.has_video
        has_audio = job.media is None or job.media.has_audio

        def work(name: str) -> str:  # the chunk's own files start at `start`
            return (
                naming.work(job.id, name)
                if chunk is None
                else naming.chunk_work(job.id, chunk, name)
            )

        proxy = work(naming.proxy_file(has_video))
        transcribe = needs_transcription(opts.language, transcript)
        # The model is told the language: the declared one, else the language the transcript
        # it is given was written in; when it transcribes, it detects an undeclared one.
        written = None if transcribe or transcript is None else transcript.language
        spoken = opts.language or written
        # A video job's proxy has no sound; its audio proxy goes along when the model listens.
        listen = has_video and has_audio and (transcribe or self._options.audio_with_transcript)
        audio = self._media_uri(work(naming.AUDIO_PROXY)) if listen else None
        windows = [(start, end)]
        # A shortlist is only as good as the transcript it was built on; and a transcript
        # Gemini writes must cover the whole chunk.
        if self._options.two_stage and offline and not transcribe:
            windows = shortlist(
                offline, self._options.shortlist_size, self._options.shortlist_padding,
                start, end, opts.max_clip_seconds,
            )  # fmt: skip
        return [
            ChunkRequest(
                media_uri=self._media_uri(proxy),
                start=a,
                end=b,
                min_seconds=opts.min_clip_seconds,
                max_seconds=opts.max_clip_seconds,
                transcript=None
                if transcribe or transcript is None
                else lines_from(transcript, a, b),
                language=spoken,
                mime_type="video/mp4" if has_video else "audio/mp4",
                labels={"klair_job": job.id},
                audio_uri=audio,
                media_offset=0.0 if chunk is None else start,
            )
            for a, b in windows
        ]

    def analyze_chunk(
        self,
        job: Job,
        start: float,
        end: float,
        transcript: Transcript | None,
        offline: Sequence[Candidate],
        model: str,
        *,
        chunk: int | None = None,
    ) -> ModelAnalysis:
        """`offline` are the offline analyzer's candidates for the chunk: the shortlist in
        two-stage mode and, in every mode, what is kept when Gemini cannot be used."""
        day = self._today()
        model = self._options.model_id(model, day)
        requests = self._requests(job, start, end, transcript, offline, chunk)
        planned = sum((plan(r, self._options, model, day).cost for r in requests), Cost())
        spent = job.cost
        allowed = Budget(self._options.job_ceiling_usd).allows(planned, job.chunks_total, spent)
        log.info(
            "gemini planned cost",
            job_id=job.id,
            model=model,
            excerpts=len(requests),
            planned_usd=round(planned.usd, 6),
            job_planned_usd=round(planned.usd * max(1, job.chunks_total), 4),
            spent_usd=round(spent.usd, 4),
            ceiling_usd=self._options.job_ceiling_usd,
            allowed=allowed,
        )
        if not allowed:
            return ModelAnalysis(model=model, candidates=list(offline), fallback="over_budget")
        outcomes = [self._agent.analyze(r, model, day) for r in requests]
        return _combine(model, requests, outcomes, offline)


def _combine(
    model: str,
    requests: Sequence[ChunkRequest],
    outcomes: Sequence[ExcerptOutcome],
    offline: Sequence[Candidate],
) -> ModelAnalysis:
    """One chunk's result from its excerpts: Gemini's candidates where it answered, the
    offline candidates inside every excerpt it did not."""
    cost = sum((o.cost for o in outcomes), Cost())
    answered = [(r, o.validated) for r, o in zip(requests, outcomes, strict=True) if o.validated]
    if not answered:
        return ModelAnalysis(
            model=model, candidates=list(offline), cost=cost, fallback=outcomes[0].fallback
        )
    found = [c for _, v in answered for c in v.candidates]
    kept = [
        c for r, o in zip(requests, outcomes, strict=True) if o.validated is None
        for c in offline if c.start >= r.start and c.end <= r.end
    ]  # fmt: skip
    dropped: dict[str, int] = {}
    for _, v in answered:
        for reason, n in v.dropped.items():
            dropped[reason] = dropped.get(reason, 0) + n
    heard = [line for _, v in answered for line in v.transcript]
    first = requests[0]
    language = answered[0][1].language or "und"
    return ModelAnalysis(
        model=model,
        candidates=sorted([*found, *kept], key=lambda c: -c.score),
        cost=cost,
        dropped=dropped,
        summary=" ".join(v.summary for _, v in answered if v.summary),
        topics=list(dict.fromkeys(t for _, v in answered for t in v.topics)),
        transcript=heard_transcript(heard, first.start, requests[-1].end, language)
        if heard
        else None,
    )
