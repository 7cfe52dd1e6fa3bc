"""The fixed parts of `report.html`: the page shell, its inline stylesheet and script. Nothing in
them loads from the network, so the report opens anywhere, offline, from the output folder."""

from __future__ import annotations

from string import Template

# Clip colours, by rank (the timeline, the transcript highlights and the cards agree).
PALETTE = ("#e4572e", "#17bebb", "#ffc914", "#76b041", "#9b5de5", "#f15bb5", "#00bbf9", "#fe7f2d")

STYLE = """
:root { --bg: #101418; --panel: #1a2027; --ink: #e8edf2; --dim: #93a1b0; --line: #2b333d; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--ink); }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; } h2 { font-size: 19px; margin: 28px 0 12px; }
.meta { color: var(--dim); display: flex; flex-wrap: wrap; gap: 6px 18px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px; }
.track { position: relative; height: 64px; background: #0c1014; border-radius: 6px;
  overflow: hidden; }
.chapter { position: absolute; top: 0; bottom: 0; border-left: 1px dashed #3b4652;
  color: var(--dim); font-size: 11px; padding: 2px 4px; white-space: nowrap; overflow: hidden; }
.segment { position: absolute; top: 20px; height: 40px; border-radius: 4px; color: #101418;
  font-weight: 700; text-align: center; line-height: 40px; text-decoration: none;
  min-width: 14px; opacity: .9; }
.segment:hover, .segment.on { opacity: 1; outline: 2px solid #fff; }
.playhead { position: absolute; top: 0; bottom: 0; width: 2px; background: #fff;
  display: none; }
.axis { position: relative; height: 18px; color: var(--dim); font-size: 11px; }
.tick { position: absolute; transform: translateX(-50%); }
.clips { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr));
  gap: 16px; }
.clip { display: grid; grid-template-columns: 200px 1fr; gap: 14px; border-left: 6px solid;
  scroll-margin-top: 16px; }
.clip.on { box-shadow: 0 0 0 2px #fff; }
.clip video { width: 200px; max-height: 356px; background: #000; border-radius: 6px; }
.clip .thumb { width: 56px; max-height: 100px; object-fit: cover; float: left;
  margin: 0 10px 4px 0; border-radius: 4px; }
.clip h3 { margin: 0; font-size: 17px; } .clip .when { color: var(--dim); font-size: 13px; }
.score { font-size: 28px; font-weight: 700; float: right; }
.bars { display: grid; grid-template-columns: 96px 1fr 36px; gap: 4px 8px; margin: 10px 0;
  font-size: 13px; align-items: center; }
.bar { height: 8px; background: #0c1014; border-radius: 4px; overflow: hidden; }
.bar span { display: block; height: 100%; }
.reason { margin: 6px 0; } details { color: var(--dim); font-size: 13px; }
.seek { background: none; border: 1px solid var(--line); color: var(--ink); border-radius: 4px;
  font-size: 12px; cursor: pointer; margin-right: 4px; }
.files a { color: var(--dim); margin-right: 10px; font-size: 13px; }
.transcript p { margin: 0 0 10px; } .transcript .at { color: var(--dim); font-size: 12px;
  margin-right: 8px; font-variant-numeric: tabular-nums; }
mark.hl { color: #101418; border-radius: 3px; padding: 0 2px; cursor: pointer; }
.chips span { display: inline-block; background: #0c1014; border: 1px solid var(--line);
  border-radius: 12px; padding: 1px 10px; margin: 0 6px 6px 0; font-size: 13px; }
.empty { color: var(--dim); }
"""

SCRIPT = """
(function () {
  var cards = document.querySelectorAll('article.clip');
  var head = document.querySelector('.playhead');
  var duration = parseFloat(document.body.dataset.duration) || 1;
  function focus(id, play) {
    cards.forEach(function (c) { c.classList.toggle('on', c.id === id); });
    document.querySelectorAll('.segment').forEach(function (s) {
      s.classList.toggle('on', s.dataset.clip === id);
    });
    var card = document.getElementById(id);
    if (!card) { return; }
    card.scrollIntoView({behavior: 'smooth', block: 'start'});
    var video = card.querySelector('video');
    if (play && video) { video.play().catch(function () {}); }
  }
  document.querySelectorAll('[data-clip]').forEach(function (el) {
    el.addEventListener('click', function (event) {
      event.preventDefault();
      focus(el.dataset.clip, el.classList.contains('segment'));
    });
  });
  cards.forEach(function (card) {
    var video = card.querySelector('video');
    var start = parseFloat(card.dataset.start);
    card.querySelectorAll('.seek').forEach(function (button) {
      button.addEventListener('click', function () {
        if (!video) { return; }
        video.currentTime = Math.max(0, parseFloat(button.dataset.t) - start);
        video.play().catch(function () {});
      });
    });
    if (video && head) {
      video.addEventListener('timeupdate', function () {
        head.style.display = 'block';
        head.style.left = (100 * (start + video.currentTime) / duration) + '%';
      });
    }
  });
  document.body.dataset.ready = String(cards.length);
})();
"""

PAGE = Template(
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$style$palette</style>
</head>
<body data-duration="$duration">
<main>
<header><h1>$title</h1><div class="meta">$meta</div></header>
<h2>Timeline</h2>
<section id="timeline" class="panel">
<div class="track">$chapters$segments<div class="playhead"></div></div>
<div class="axis">$ticks</div>
</section>
<h2>Clips</h2>
<section id="clips" class="clips">$clips</section>
<h2>Transcript</h2>
<section id="transcript" class="panel transcript">$transcript</section>
<h2>Insights</h2>
<section id="insights" class="panel">$insights</section>
</main>
<script>$script</script>
</body>
</html>
"""
)


def palette_css() -> str:
    """`.c0` … `.c7`: each clip's colour as a background, and as a card's border."""
    return "".join(
        f".c{i} {{ background: {colour}; }} .clip.c{i} {{ background: var(--panel); "
        f"border-left-color: {colour}; }}"
        for i, colour in enumerate(PALETTE)
    )


def page(**parts: str) -> str:
    return PAGE.substitute(style=STYLE, palette=palette_css(), script=SCRIPT, **parts)
