"""Offline speech recognition by language: tiny.en (what every job used before) beside the
multilingual Whisper base (what non-English speech uses now), on the same espeak-ng talks.

    python -m bench.languages [--languages en,es,fr,de] [--repeat 2] [--also DIR] [--json]

Per language: the language Whisper base detects on the talk's first speech, the word error
rate (WER) against the script of tiny.en's transcript and of what Klair does now ("now":
English on tiny.en, other languages on Whisper base in the language it detected), and the
real-time factor (RTF: seconds of work per second of audio, the window read, VAD and
decoding included; median of interleaved runs). tiny.en is always asked for English, as the
pipeline did for every job. `--also DIR` adds a third column: "now" with another
multilingual CTranslate2 Whisper model folder (a candidate package's files). Nothing is
asserted; the run is saved as JSON in bench/results/languages-<UTC time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.quality_metrics import word_error_rate
from bench.timing import RESULTS, timed

# Klair imports: the only lines to adjust when the package's modules move.
from klair.adapters.whisper_transcriber import (
    ModelFiles,
    WhisperTranscriber,
    read_window,
    speech_spans,
)
from klair.cli.sample import Line, make_talk_video

# (espeak-ng voice, the talk): six sentences a creator might say, in each language.
SCRIPTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "en": ("en-us", (
        "Welcome back to the channel, today we are talking about sleep.",
        "Most people think that eight hours is the magic number.",
        "But the research tells a very different story.",
        "Your body cares more about regular hours than about the total.",
        "So here is the one change that made the biggest difference for me.",
        "Thank you for watching and see you next week.",
    )),
    "es": ("es", (
        "Bienvenidos de nuevo al canal, hoy hablamos del sueño.",
        "La mayoría de la gente piensa que ocho horas es el número mágico.",
        "Pero la investigación cuenta una historia muy diferente.",
        "Tu cuerpo se preocupa más por los horarios regulares que por el total.",
        "Así que este es el cambio que más me ha ayudado a mí.",
        "Gracias por vernos y hasta la semana que viene.",
    )),
    "fr": ("fr", (
        "Bienvenue sur la chaîne, aujourd'hui nous parlons du sommeil.",
        "La plupart des gens pensent que huit heures est le chiffre magique.",
        "Mais la recherche raconte une histoire très différente.",
        "Votre corps tient plus à des horaires réguliers qu'au total.",
        "Voici donc le changement qui m'a le plus aidé.",
        "Merci de nous avoir regardés et à la semaine prochaine.",
    )),
    "de": ("de", (
        "Willkommen zurück auf dem Kanal, heute sprechen wir über Schlaf.",
        "Die meisten Menschen glauben, dass acht Stunden die magische Zahl sind.",
        "Aber die Forschung erzählt eine ganz andere Geschichte.",
        "Dein Körper achtet mehr auf regelmäßige Zeiten als auf die Summe.",
        "Hier ist also die eine Änderung, die mir am meisten geholfen hat.",
        "Danke fürs Zuschauen und bis nächste Woche.",
    )),
    "it": ("it", (
        "Bentornati sul canale, oggi parliamo del sonno.",
        "La maggior parte delle persone pensa che otto ore siano il numero magico.",
        "Ma la ricerca racconta una storia molto diversa.",
        "Il tuo corpo tiene più agli orari regolari che al totale.",
        "Ecco quindi il cambiamento che mi ha aiutato di più.",
        "Grazie per la visione e alla prossima settimana.",
    )),
    "pt": ("pt", (
        "Bem-vindos de volta ao canal, hoje falamos sobre o sono.",
        "A maioria das pessoas pensa que oito horas é o número mágico.",
        "Mas a pesquisa conta uma história muito diferente.",
        "O seu corpo se importa mais com horários regulares do que com o total.",
        "Então aqui está a mudança que mais me ajudou.",
        "Obrigado por assistir e até a próxima semana.",
    )),
    "nl": ("nl", (
        "Welkom terug op het kanaal, vandaag hebben we het over slaap.",
        "De meeste mensen denken dat acht uur het magische getal is.",
        "Maar het onderzoek vertelt een heel ander verhaal.",
        "Je lichaam geeft meer om vaste tijden dan om het totaal.",
        "Dus hier is de ene verandering die mij het meest heeft geholpen.",
        "Bedankt voor het kijken en tot volgende week.",
    )),
}  # fmt: skip

_WORD = re.compile(r"[\w']+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


@dataclass
class Row:
    language: str
    seconds: float
    detected: str | None
    detect_seconds: float
    wer: dict[str, float]  # model → WER
    rtf: dict[str, float]  # model → real-time factor
    heard: dict[str, str]  # model → transcript


def talk(language: str, folder: Path) -> tuple[Path, float, str]:
    voice, lines = SCRIPTS[language]
    sample = make_talk_video(
        folder / f"{language}.m4a", [Line(text, voice=voice) for text in lines], video=False
    )
    return sample.path, sample.duration, sample.text


def measure(language: str, folder: Path, models: dict[str, WhisperTranscriber], repeat: int) -> Row:
    path, seconds, script = talk(language, folder)
    base = models["now"]
    samples = read_window(path, 0.0, seconds)
    speech = speech_spans(samples, 200, 60)
    base.detect(samples, speech)  # the model loads outside the timing
    detect_seconds = timed(lambda: base.detect(samples, speech))
    detected = base.detect(samples, speech)
    wer, rtf, heard = {}, {}, {}
    for name, model in models.items():
        asked = "en" if name == "tiny.en" else (detected or language)
        text = model.transcribe(path, 0.0, seconds, asked).text
        wer[name], heard[name] = word_error_rate(words(script), words(text)), text
    times: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(repeat):  # interleaved: a busy machine slows every model alike
        for name, model in models.items():
            asked = "en" if name == "tiny.en" else (detected or language)
            times[name].append(timed(lambda m=model, a=asked: m.transcribe(path, 0, seconds, a)))
    rtf = {name: statistics.median(t) / seconds for name, t in times.items()}
    return Row(language, seconds, detected, detect_seconds, wer, rtf, heard)


def show(rows: list[Row], loads: dict[str, float], console: Console) -> None:
    names = list(rows[0].wer)
    table = Table(title=f"offline transcription by language ({os.cpu_count()} cores, int8)")
    for column in ("language", "audio s", "base detects", "detect s"):
        table.add_column(column, justify="right")
    for name in names:
        table.add_column(f"WER {name}", justify="right")
    for name in names:
        table.add_column(f"RTF {name}", justify="right")
    for r in rows:
        table.add_row(
            r.language,
            f"{r.seconds:.1f}",
            r.detected or "-",
            f"{r.detect_seconds:.2f}",
            *(f"{r.wer[n]:.2f}" for n in names),
            *(f"{r.rtf[n]:.3f}" for n in names),
        )
    console.print(table)
    console.print("model load, s: " + ", ".join(f"{n} {s:.1f}" for n, s in loads.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.languages", description=__doc__)
    parser.add_argument("--languages", default=",".join(SCRIPTS))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--also", type=Path, help="another CTranslate2 Whisper model folder")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    args = parser.parse_args(argv)
    models = {"tiny.en": WhisperTranscriber(multilingual=False), "now": WhisperTranscriber()}
    if "es" not in models["now"].languages():
        print("the multilingual model's packages are not installed", file=sys.stderr)
        return 1
    if args.also:
        models[args.also.name] = WhisperTranscriber(multilingual=ModelFiles(args.also))
    console = Console()
    loads: dict[str, float] = {}
    rows = []
    with tempfile.TemporaryDirectory(prefix="klair-languages-") as tmp:
        warm, seconds, _ = talk("en", Path(tmp))
        for name, model in models.items():  # first use loads the model: timed once, apart
            asked = "en" if name == "tiny.en" else "es"
            loads[name] = timed(lambda m=model, a=asked: m.transcribe(warm, 0.0, seconds, a))
        for language in args.languages.split(","):
            rows.append(measure(language, Path(tmp), models, args.repeat))
            console.print(f"{language}: " + " | ".join(rows[-1].heard.values()), style="dim")
    show(rows, loads, console)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"languages-{stamp}.json"
    out.write_text(json.dumps({"loads": loads, "rows": [asdict(r) for r in rows]}, indent=2))
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    console.print(f"saved: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
