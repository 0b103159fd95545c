"""Benchmark: how long a section cell takes to show its keyframes and its preview, through a real kernel.

    python benchmarks/cell_benchmark.py [--runs 5] [--section 3]

Starts an ipykernel running this interpreter in a temporary folder, loads the extension,
plans and renders the bundled demo lecture (`%%code2video --replay demo`, no key needed),
then times, from sending the execute request to the arrival on iopub of the keyframe strip
(drawn by the check pass, before the video) and of the display_data that carries the preview
`<video>`:

  unchanged    the section's cell as the lecture wrote it (cached preview), N times
  last block   an edit in the section's last block (the Indicate's run time)
  first block  an edit in its first block (a label's size: every later play changes)
  title        an edit of the title, on screen in every play: a full render of the section

Every edit differs from the one before, so each is a real re-render; the partial movies of
unchanged plays are reused (`movie_cache.py`). Prints median / min / max per case and the
re-render time of each edit as a fraction of the full render (the title edit). Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from kernel_harness import running_kernel  # noqa: E402

from code2video_nb.notebook.cells import cell_source  # noqa: E402
from code2video_nb.plan import slugify  # noqa: E402

DEMO = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text("utf-8"))["lecture"]
SLUG = slugify(DEMO["topic"])
MAGIC = (f"%%code2video --sections {DEMO['sections']} --audience {DEMO['audience']} --replay demo\n"
         f"{DEMO['topic']}")


def time_to_video(fe, source: str) -> tuple[float, float | None, str, float]:
    """Seconds from the execute request to the display_data holding the video; to the keyframe
    strip (None if none came first); what the cell said; and seconds to the cell's end (the layout
    critic's cards come after the preview)."""
    started = time.perf_counter()
    msg = fe.start(source, cell_id=None)
    shown_at, strip_at, seen = None, None, []
    while shown_at is None:
        reply = fe.kc.get_iopub_msg(timeout=fe.timeout)
        if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            continue
        seen.append(reply)
        html = reply["content"].get("data", {}).get("text/html", "") if "data" in reply["content"] else ""
        # The video may fill a slot kept above the strip shown while it rendered (an update).
        if reply["msg_type"] in ("display_data", "update_display_data") and "<video" in html:
            shown_at = time.perf_counter()
        elif reply["msg_type"] == "display_data" and "Keyframes:" in html and strip_at is None:
            strip_at = time.perf_counter()
        elif reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
            raise RuntimeError(f"the cell ended without showing a video: {_text(seen)[-800:]}")
    seen += fe.collect(msg)  # the rest of the cell's output, its idle and its shell reply (must be ok)
    strip = strip_at - started if strip_at is not None else None
    return shown_at - started, strip, _text(seen), time.perf_counter() - started


def _text(messages: list[dict]) -> str:
    parts = []
    for m in messages:
        if m["msg_type"] in ("display_data", "update_display_data", "execute_result"):
            data = m["content"]["data"]
            parts.append(data.get("text/html") or data.get("text/plain", ""))
        elif m["msg_type"] in ("stream", "error"):
            parts.append(m["content"].get("text") or m["content"].get("evalue", ""))
    return "\n".join(parts)


def summary(name: str, times: list[float]) -> str:
    return (f"  {name:<10} median {statistics.median(times):6.2f} s   min {min(times):6.2f} s   "
            f"max {max(times):6.2f} s   (n={len(times)})")


# Each edit takes the run number, so no two runs render the same code.
EDITS = {
    "last block": lambda code, k: _edit(code, "self.play(Indicate(power), run_time=0.8)",
                                        f"self.play(Indicate(power), run_time={0.8 + k / 100:.2f})"),
    "first block": lambda code, k: _edit(code, 'Text("λ=3", font_size=24', f'Text("λ=3", font_size={24 + k}'),
    "title": lambda code, k: _edit(code, '", LECTURE_LINES', f' ({k})", LECTURE_LINES'),
}


def _edit(code: str, old: str, new: str) -> str:
    assert old in code, f"the demo section no longer holds {old!r}"
    return code.replace(old, new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default 5)")
    parser.add_argument("--section", default="3", help="section of the demo lecture to run (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="c2v-cell-bench-") as tmp:
        folder = Path(tmp)
        env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "CODE2VIDEO_CACHE_DIR": str(folder / "reply-cache")}
        with running_kernel(folder, env=env, timeout=600) as fe:
            fe.run("%load_ext code2video_nb", cell_id=None)
            fe.run("%config Code2Video.critic = False", cell_id=None)  # the preview alone; cards are timed below
            started = time.perf_counter()
            fe.run(MAGIC, cell_id=None)
            print(f"== demo lecture planned and rendered by %%code2video --replay demo in "
                  f"{time.perf_counter() - started:.1f} s (kernel in {folder})")

            ws = folder / "code2video" / SLUG
            code = (ws / "sections" / f"{args.section}.py").read_text("utf-8")
            print(f"== section {args.section} cell, execute request -> keyframes / preview video on iopub, "
                  f"{args.runs} runs each")

            unchanged = []
            for _ in range(args.runs):
                seconds, _, shown, _ = time_to_video(fe, cell_source(SLUG, args.section, code))
                assert "cached preview" in shown, shown[-300:]
                unchanged.append(seconds)
            print(summary("unchanged", unchanged))

            videos, strips, builds = {}, {}, {}
            for case, edit in EDITS.items():
                videos[case], strips[case], builds[case] = [], [], []
                for k in range(1, args.runs + 1):
                    seconds, strip, shown, _ = time_to_video(fe, cell_source(SLUG, args.section, edit(code, k)))
                    assert "rendered in" in shown, shown[-300:]
                    record = json.loads((ws / "lecture.json").read_text())["sections"][args.section]["render_preview"]
                    videos[case].append(seconds)
                    strips[case].append(strip if strip is not None else float("nan"))
                    builds[case].append(record["seconds"])
                print(f"  edit: {case}")
                print("  " + summary("keyframes", strips[case]))
                print("  " + summary("video", videos[case]))

    full = statistics.median(videos["title"])
    print("== re-render of an edit, as a fraction of the full render (the title edit; median video times)")
    for case in ("last block", "first block"):
        print(f"  {case:<12} {statistics.median(videos[case]) / full:5.2f} x")
    print("== engine build (check + render + keyframes, lecture.json `seconds`), median")
    for case in EDITS:
        print(f"  {case:<12} {statistics.median(builds[case]):6.2f} s")


if __name__ == "__main__":
    main()
