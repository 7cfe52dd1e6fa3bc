"""Clip export: analysis, reframe, captions, the ffmpeg cut, thumbnail and edit list."""
