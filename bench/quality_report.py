"""The tables of bench.quality: selectors side by side (pooled over talks), per talk, per
highlight kind, what missed clips held instead, and face-in-crop per scene type."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from bench.quality_metrics import Score

SELECTORS = ("klair", "loudest", "random")


def _pooled(rows: list[dict[str, Any]], name: str) -> Score:
    total = Score()
    for row in rows:
        total.add(row[name])
    return total


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def summary(rows: list[dict[str, Any]], seeds: int) -> Table:
    table = Table(title=f"clip selection vs planted highlights ({len(rows)} talks)")
    for column in ("selector", "clips", "hits", "P", "R", "F1", "split", "edges in pauses"):
        table.add_column(column, justify="right")
    table.add_column("whole sentences", justify="right")
    for name in SELECTORS:
        s = _pooled(rows, name)
        n = seeds if name == "random" else 1
        label = f"random (mean of {seeds} seeds)" if name == "random" else name
        table.add_row(
            label, f"{s.clips / n:.1f}", f"{s.matched / n:.1f}", f"{s.precision:.2f}",
            f"{s.recall:.2f}", f"{s.f1:.2f}", _pct(s.share("split")), _pct(s.share("edges")),
            _pct(s.share("whole")),
        )  # fmt: skip
    return table


def _missed(s: Score) -> str:
    return ", ".join(k for k, n in sorted(s.kind_total.items()) if s.kind_hit.get(k, 0) < n)


def per_talk(rows: list[dict[str, Any]], seeds: int) -> Table:
    table = Table(title="per talk: highlights hit of K (random: mean over seeds)")
    for column in ("talk", "profile", "voice", "min", "K", "klair", "loudest", "random"):
        table.add_column(column)
    table.add_column("klair run s", justify="right")
    table.add_column("klair missed")
    table.add_column("loudest missed")
    for row in rows:
        spec = row["spec"]
        table.add_row(
            row["talk"], spec["profile"], spec["voice"], f"{row['duration'] / 60:.1f}",
            str(row["k"]), str(row["klair"].matched), str(row["loudest"].matched),
            f"{row['random'].matched / seeds:.1f}", f"{row['klair_seconds']:.0f}",
            _missed(row["klair"]), _missed(row["loudest"]),
        )  # fmt: skip
    return table


def per_kind(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="recall per highlight kind (hit / planted)")
    table.add_column("kind")
    for name in SELECTORS:
        table.add_column(name, justify="right")
    pooled = {name: _pooled(rows, name) for name in SELECTORS}
    for kind in sorted(pooled["klair"].kind_total):
        cells = []
        for name in SELECTORS:
            s = pooled[name]
            hit, total = s.kind_hit.get(kind, 0), s.kind_total.get(kind, 0)
            cells.append(f"{hit / total:.2f} ({hit}/{total})" if name != "random" else
                         f"{hit / total:.2f}")  # fmt: skip
        table.add_row(kind, *cells)
    return table


def misses(rows: list[dict[str, Any]], seeds: int) -> Table:
    table = Table(title="clips that hit no highlight, by the distractors they hold (≥ half)")
    table.add_column("distractor")
    for name in SELECTORS:
        table.add_column(name, justify="right")
    pooled = {name: _pooled(rows, name) for name in SELECTORS}
    kinds = sorted({k for s in pooled.values() for k in s.false_hits})
    for kind in kinds:
        cells = [str(pooled[n].false_hits.get(kind, 0)) for n in SELECTORS[:2]]
        cells.append(f"{pooled['random'].false_hits.get(kind, 0) / seeds:.1f}")
        table.add_row(kind, *cells)
    unmatched = [
        f"{pooled[n].clips - pooled[n].matched}" if n != "random" else
        f"{(pooled[n].clips - pooled[n].matched) / seeds:.1f}" for n in SELECTORS
    ]  # fmt: skip
    table.add_row("(clips missing)", *unmatched)
    return table


def faces(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="face inside the 9:16 crop, on Klair's clips (sampled every 0.2 s)")
    for column in ("scene", "samples", "klair crop path", "centre crop"):
        table.add_column(column, justify="right")
    pooled: dict[str, dict[str, list[int]]] = {}
    for row in rows:
        for kind, counts in row["faces"].items():
            into = pooled.setdefault(kind, {"klair": [0, 0], "centre": [0, 0]})
            for name, (inside, total) in counts.items():
                into[name][0] += inside
                into[name][1] += total
    for kind, counts in sorted(pooled.items()):
        k, c = counts["klair"], counts["centre"]
        table.add_row(kind, str(k[1]), _pct(k[0] / k[1]), _pct(c[0] / c[1]))
    return table


def loudness(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="loudness of planted spans ÷ the talk's mean, by speaker profile "
                  "(distractors in brackets)")  # fmt: skip
    profiles = sorted({row["spec"]["profile"] for row in rows})
    table.add_column("span")
    for profile in profiles:
        table.add_column(profile, justify="right")
    kinds: dict[str, dict[str, list[float]]] = {}
    for row in rows:
        for kind, values in row["loudness"].items():
            kinds.setdefault(kind, {}).setdefault(row["spec"]["profile"], []).extend(values)
    for kind in sorted(kinds, key=lambda k: (k.startswith("("), k)):
        cells = [kinds[kind].get(p, []) for p in profiles]
        table.add_row(kind, *(f"{sum(c) / len(c):.2f}" if c else "—" for c in cells))
    return table


def show(rows: list[dict[str, Any]], seeds: int, console: Console | None = None) -> None:
    out = console or Console(width=140)
    for table in (summary(rows, seeds), per_talk(rows, seeds), per_kind(rows)):
        out.print(table)
    out.print(misses(rows, seeds))
    out.print(faces(rows))
    out.print(loudness(rows))
