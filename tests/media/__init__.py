"""Tests that run real ffmpeg on media the tests generate."""
