"""Which analyzer would hear a job's speech, judged from its plan and options alone: what
the API refuses at submit and what the analysis routes by. Reads no transcriber (the API and
ingest, which reach this through admission, ship no speech model: `klair.cli.closure`)."""

from __future__ import annotations

from klair.domain.errors import LanguageNotSupported
from klair.domain.job import JobOptions
from klair.domain.languages import OFFLINE_LANGUAGES
from klair.domain.tiers import Tier
from klair.handlers.deps import Deps


def refusal(
    said: str, language: str | None, supported: tuple[str, ...], hint: str, tier: str
) -> LanguageNotSupported:
    """`language_not_supported`: what was said of the speech, and what offline analysis writes."""
    return LanguageNotSupported(
        f"{said}; offline analysis supports {', '.join(supported) or 'no speech'}{hint}",
        language=language,
        supported=list(supported),
        tier=tier,
    )


def model_hears(deps: Deps, tier: Tier, options: JobOptions) -> bool:
    """Whether a job's chunks go to a model (Gemini): the deployment runs one, the plan pays
    for one, and the job did not ask for offline analysis."""
    return (
        deps.model_analyzer is not None
        and tier.analyzer_model != "offline"
        and options.analyzer != "offline"
    )


def check_declared(deps: Deps, tier: Tier, options: JobOptions) -> None:
    """A declared language offline analysis cannot write, on a job no model hears, is refused
    before the job exists (422 `language_not_supported`), naming what would serve it."""
    language = options.language
    if language is None or language in OFFLINE_LANGUAGES or model_hears(deps, tier, options):
        return
    if deps.model_analyzer is not None and tier.analyzer_model != "offline":
        hint = "; leave options.analyzer unset and the model hears it"
    elif deps.model_analyzer is not None:
        hint = "; plans with a model analyzer hear many more"
    else:
        hint = ""
    said = f"the speech is declared as '{language}'"
    raise refusal(said, language, OFFLINE_LANGUAGES, hint, tier.name)
