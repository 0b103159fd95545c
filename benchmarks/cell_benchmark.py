"""Benchmark: how long a section cell takes to show its preview, through a real kernel.

    python benchmarks/cell_benchmark.py [--runs 5] [--section 3]

Starts an ipykernel running this interpreter in a temporary folder, loads the extension,
plans and renders the bundled demo lecture (`%%code2video --replay demo`, no key needed),
then times, from sending the execute request to the arrival on iopub of the display_data
that carries the preview `<video>`:

  unchanged  the section's cell as the lecture wrote it (cached preview), N times
  edited     the same cell with a small text change, N times; every edit differs from the
             one before, so each is a real re-render

and prints median / min / max. For the edited case it also splits the time using the
render record in lecture.json (`seconds`: the engine's check + render + keyframes) from
the rest (saving the code, hashing, embedding the video, kernel messaging). Figures, not a test.
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


def time_to_video(fe, source: str) -> tuple[float, str, float]:
    """Seconds from the execute request to the display_data holding the video; what the cell said;
    and seconds to the cell's end (the layout critic's cards come after the preview)."""
    started = time.perf_counter()
    msg = fe.start(source, cell_id=None)
    shown_at, seen = None, []
    while shown_at is None:
        reply = fe.kc.get_iopub_msg(timeout=fe.timeout)
        if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            continue
        seen.append(reply)
        if reply["msg_type"] == "display_data" and "<video" in reply["content"]["data"].get("text/html", ""):
            shown_at = time.perf_counter()
        elif reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
            raise RuntimeError(f"the cell ended without showing a video: {_text(seen)[-800:]}")
    seen += fe.collect(msg)  # the rest of the cell's output, its idle and its shell reply (must be ok)
    return shown_at - started, _text(seen), time.perf_counter() - started


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
            started = time.perf_counter()
            fe.run(MAGIC, cell_id=None)
            print(f"== demo lecture planned and rendered by %%code2video --replay demo in "
                  f"{time.perf_counter() - started:.1f} s (kernel in {folder})")

            ws = folder / "code2video" / SLUG
            code = (ws / "sections" / f"{args.section}.py").read_text("utf-8")
            title = next(line for line in code.splitlines() if "self.setup_lecture(" in line)
            print(f"== section {args.section} cell, execute request -> preview video on iopub, {args.runs} runs each")

            unchanged, ended = [], []
            for _ in range(args.runs):
                seconds, shown, _ = time_to_video(fe, cell_source(SLUG, args.section, code))
                assert "cached preview" in shown, shown[-300:]
                unchanged.append(seconds)

            edited, builds = [], []
            for k in range(1, args.runs + 1):
                # A different title each run (the edits alternate), so no run can hit the cache.
                variant = code.replace(title, title.replace('", LECTURE_LINES', f' ({k})", LECTURE_LINES'))
                assert variant != code, "the section's setup_lecture line has an unexpected shape"
                seconds, shown, whole = time_to_video(fe, cell_source(SLUG, args.section, variant))
                assert "rendered in" in shown, shown[-300:]
                record = json.loads((ws / "lecture.json").read_text())["sections"][args.section]["render_preview"]
                edited.append(seconds)
                ended.append(whole)
                builds.append(record["seconds"])

    print(summary("unchanged", unchanged))
    print(summary("edited", edited))
    rest = [total - build for total, build in zip(edited, builds)]
    print("== edited: where the time goes (median)")
    print(f"  engine build (check + render + keyframes, lecture.json `seconds`) {statistics.median(builds):6.2f} s")
    print(f"  everything else (save code, hash, embed, kernel messages)          {statistics.median(rest):6.2f} s")
    after = [whole - seconds for whole, seconds in zip(ended, edited)]
    print(f"  after the preview: the layout critic and its cards                 {statistics.median(after):6.2f} s")


if __name__ == "__main__":
    main()
