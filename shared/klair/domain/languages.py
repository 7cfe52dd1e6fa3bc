"""The spoken languages a job may declare in `options.language`: Whisper's, by ISO 639 code.
Which of them a job is analysed in depends on the deployment (the offline transcriber's
models) and on the plan (a model analyzer): see `handlers/steps/language.py`."""

from __future__ import annotations

from klair.domain.errors import InvalidInput

_CODES = (
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha "
    "haw he hi hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr "
    "ms mt my ne nl nn no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg "
    "th tk tl tr tt uk ur uz vi yi yo zh yue"
)
LANGUAGES = frozenset(_CODES.split())
# What offline analysis transcribes, English first: English on tiny.en, the others on
# Whisper base, each under 0.3 WER in bench/languages.py (README, "Languages"; French,
# Portuguese and Dutch were not). A deployment without Whisper base's packages serves English
# only (the transcriber's `languages()`), and analysis says so; a submit is judged on this list.
OFFLINE_LANGUAGES = ("en", "es", "de", "it")


def language_code(value: str) -> str:
    """`value` as one of `LANGUAGES`; case and a region or script subtag ("es-MX", "pt_BR",
    "zh-Hant") do not matter. Raises `InvalidInput` (`unknown_language`, with `allowed`)."""
    code = value.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise InvalidInput(
            f"unknown language {value[:40]!r}: give an ISO 639-1 code such as 'en' or 'es'",
            code="unknown_language",
            allowed=sorted(LANGUAGES),
        )
    return code
