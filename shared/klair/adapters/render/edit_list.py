"""The edit list files: the JSON edit decision list as it is, and an OpenTimelineIO timeline
(the cut as a clip of the source on a video and an audio track, caption events as markers,
the whole edit list in the clip's metadata under `klair`, the clip's title in the timeline's
name and, with its hook line, in the timeline's metadata)."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio  # type: ignore[import-untyped]

from klair.domain.edit_list import EditList

DEFAULT_RATE = 25.0


def _time(seconds: float, rate: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(round(seconds * rate), rate)


def _range(start: float, duration: float, rate: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_time(start, rate), _time(duration, rate))


def _clip(edl: EditList, rate: float, data: dict[str, object]) -> otio.schema.Clip:
    reference = otio.schema.ExternalReference(target_url=edl.source)
    clip = otio.schema.Clip(
        name=edl.clip_id,
        media_reference=reference,
        source_range=_range(edl.source_in, edl.duration, rate),
    )
    clip.metadata["klair"] = data
    return clip


def timeline(edl: EditList) -> otio.schema.Timeline:
    rate = edl.fps or DEFAULT_RATE
    data = json.loads(edl.model_dump_json())
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    cut = _clip(edl, rate, data)
    for event in edl.captions.events:
        cut.markers.append(
            otio.schema.Marker(
                name=event.text,
                marked_range=_range(edl.source_in + event.start, event.end - event.start, rate),
                color=otio.schema.MarkerColor.YELLOW,
            )
        )
    video.append(cut)
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    audio.append(_clip(edl, rate, {"audio": data["audio"]}))
    # An NLE lists timelines by name: the title says which moment this is, the id which files.
    name = f"{edl.clip_id} · {edl.title}" if edl.title else edl.clip_id
    result = otio.schema.Timeline(name=name, global_start_time=_time(0, rate))
    result.tracks.append(video)
    result.tracks.append(audio)
    result.metadata["klair"] = {
        "version": edl.version,
        "clip_id": edl.clip_id,
        "title": edl.title,
        "hook_line": edl.hook_line,
    }
    return result


def write_edit_list(out_dir: Path, edl: EditList) -> dict[str, Path]:
    """`edit_list.json` and `edit_list.otio`."""
    json_path = out_dir / "edit_list.json"
    json_path.write_text(edl.model_dump_json(indent=2), encoding="utf-8")
    otio_path = out_dir / "edit_list.otio"
    otio.adapters.write_to_file(timeline(edl), str(otio_path))
    return {"edl": json_path, "otio": otio_path}
