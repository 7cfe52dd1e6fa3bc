"""The answer Gemini must give for one excerpt: sent as `response_schema`, parsed back.

Times are `MM:SS` relative to the start of the excerpt the model watched, because that is
what it reads off the video; `validate` turns them into absolute seconds of the source.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

CRITERIA = ("hook", "energy", "clarity", "completeness", "visual")
Criterion = Literal["hook", "energy", "clarity", "completeness", "visual"]

MMSS = "MM:SS relative to the start of this excerpt (00:00 is its first frame)"


Score = Annotated[int, Field(ge=0, le=100)]


class Scores(BaseModel):
    """0-100 per criterion."""

    hook: Score = Field(description="Would the first three seconds stop a scrolling viewer?")
    energy: Score = Field(description="Delivery: pace, emotion, laughter, emphasis.")
    clarity: Score = Field(description="Easy to follow: clear speech, little filler or crosstalk.")
    completeness: Score = Field(
        description="Stands alone: a setup and a payoff, no missing context, ends on a full stop."
    )
    visual: Score = Field(description="On-screen interest: action, gestures, demos, cuts.")

    @field_validator("*", mode="before")
    @classmethod
    def _clamped(cls, value: object) -> object:
        """Out-of-range scores are clamped, not rejected: a 105 is still an opinion to keep."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return min(100, max(0, round(value)))
        return value


class EvidenceNote(BaseModel):
    at: str = Field(description=MMSS)
    criterion: Criterion
    note: str = Field(description="What happens there that supports the score, in a few words.")


class Moment(BaseModel):
    start: str = Field(description=f"{MMSS}; at the start of a sentence.")
    end: str = Field(description=f"{MMSS}; after the thought is complete.")
    title: str = Field(description="A short title for the clip, at most 60 characters.")
    hook: str = Field(description="The opening line or on-screen caption that hooks a viewer.")
    scores: Scores
    reason: str = Field(description="One or two sentences: why this moment works as a clip.")
    evidence: list[EvidenceNote] = Field(description="Two to five timestamped observations.")


class ChunkAnalysis(BaseModel):
    summary: str = Field(description="Two or three sentences on what this excerpt covers.")
    topics: list[str] = Field(description="Up to five short topic labels.")
    moments: list[Moment] = Field(description="The best clip candidates, best first.")


class TranscriptLine(BaseModel):
    start: str = Field(description=MMSS)
    end: str = Field(description=MMSS)
    text: str


class ChunkAnalysisWithTranscript(ChunkAnalysis):
    """The analysis plus a transcript of the excerpt (asked for when no transcript was given)."""

    language: str = Field(description="BCP-47 code of the main spoken language, e.g. 'es'.")
    transcript: list[TranscriptLine] = Field(
        description="Everything said, one line per sentence or phrase."
    )
