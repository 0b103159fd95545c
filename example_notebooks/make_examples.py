"""Regenerate the example notebooks in this folder (stored without outputs).

    python example_notebooks/make_examples.py

01, 03 and 04 carry the demo lecture's section cells exactly as the lecture produces them
(`sections/<id>.py` after the bundled replay, auto-fix included), so they are rebuilt
from a real `code2video demo` run: when the cassette, the prompts' header format or the
teaching scene change, run this again. tests/test_example_notebooks.py fails (section
cells no longer show a cached preview) when the notebooks are out of date.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from code2video_nb.notebook.cells import cell_metadata, cell_source
from code2video_nb.plan import slugify

HERE = Path(__file__).resolve().parent
DEMO = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text("utf-8"))["lecture"]
TOPIC = DEMO["topic"]
SLUG = slugify(TOPIC)
AUDIENCE = DEMO["audience"]
SECTIONS = DEMO["sections"]
DEMO_MAGIC = f"%%code2video --sections {SECTIONS} --audience {AUDIENCE} --replay demo"

# The edit shown in 03: a label's text and colour in section 3 (a real re-render, a few seconds).
EDIT_SECTION = "3"
EDIT_FROM = 'Text("λ=3", font_size=24, color=GREEN)'
EDIT_TO = 'Text("stretch × 3", font_size=24, color=YELLOW)'


def demo_sections() -> dict[str, str]:
    """{section id: code} of the demo lecture as the engine leaves it (section 2 auto-fixed)."""
    with tempfile.TemporaryDirectory(prefix="c2v-examples-") as tmp:
        subprocess.run([sys.executable, "-c", "import sys; from code2video_nb.cli import main; sys.exit(main())",
                        "demo", "--out", tmp, "--quiet", "--no-critic"], check=True, stdout=subprocess.DEVNULL)
        folder = Path(tmp) / SLUG / "sections"
        return {str(i): (folder / f"{i}.py").read_text("utf-8") for i in range(1, SECTIONS + 1)}


def section_cell(section_id: str, code: str):
    return new_code_cell(cell_source(SLUG, section_id, code), metadata=cell_metadata(SLUG, section_id))


def notebook(cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    for index, cell in enumerate(nb.cells):  # stable ids: regenerating gives a clean diff
        cell.id = f"c{index:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def quickstart(code: dict[str, str]) -> nbformat.NotebookNode:
    return notebook([
        new_markdown_cell(
            "# code2video quickstart (offline)\n\n"
            "Turn a topic into a short lecture video made of **Manim code**, section by section — here "
            "without an API key or network: `--replay demo` answers from a bundled recorded lecture on "
            f"*{TOPIC}* ({SECTIONS} sections for {AUDIENCE}).\n\n"
            "1. Load the extension (in its own cell: that is where it greets the JupyterLab extension).\n"
            "2. Plan the lecture with `%%code2video`: outline → storyboard → one Manim scene per section → "
            "preview renders. Section 2's recorded code has a bug (`colour=`); auto-fix repairs it.\n"
            "3. Run a section cell to see its preview video and keyframes. In JupyterLab with the "
            "code2video extension the section cells are inserted for you; they are also written out below, "
            "so this notebook is complete anywhere (Colab, VS Code, classic Notebook); where cells are "
            "inserted or offered, running step 2 by hand adds copies of them, and either set can be deleted.\n"
            "4. `%c2v status`, then `%c2v export` joins the sections into one video with subtitles.\n\n"
            "The lecture speaks: each lecture line's narration (the `say:` lines in a section cell's header) "
            "is synthesized offline by `espeak-ng` before the section renders, and each block lasts as long "
            "as its line. `%config Code2Video.voice = 'en-gb'` picks another voice, "
            "`%config Code2Video.narrate = False` renders silent lectures.\n\n"
            "Workspaces are written to `code2video/<lecture>/` beside this notebook. Renders need Manim "
            "and LaTeX (`bash scripts/install.sh`)."),
        new_code_cell("%load_ext code2video_nb"),
        new_markdown_cell("The topic is the first line of the cell; further lines would be learning goals. "
                          "This plans, writes and renders all sections (about 15–30 s)."),
        new_code_cell(f"{DEMO_MAGIC}\n{TOPIC}"),
        new_markdown_cell(
            "## The section cells\n\n"
            "Each cell is `%%c2v_section <lecture>/<section>` followed by the section's code, byte for byte "
            f"`code2video/{SLUG}/sections/<id>.py`. Unchanged code shows its cached preview at once; edit a "
            "cell and run it to render again (see `03_edit_and_rerender.ipynb`). Section 2 is the auto-fixed "
            "code (`color=GREEN`)."),
        *[section_cell(i, code[i]) for i in sorted(code, key=int)],
        new_markdown_cell("## Status and export\n\nRendered sections, errors, fix attempts and tokens per section:"),
        new_code_cell("%c2v status"),
        new_markdown_cell("Join the preview-quality sections into one MP4 (with its narration) and an SRT of what "
                          "is said, timed to the voice "
                          "(`%c2v export --quality final` renders 1080p60 first, which takes a few minutes):"),
        new_code_cell("%c2v export"),
    ])


def live_model() -> nbformat.NotebookNode:
    return notebook([
        new_markdown_cell(
            "# code2video with a live model\n\n"
            "**Needs an API key and network, so it is not executed in CI** (the tests execute "
            "`01_quickstart_offline.ipynb` and `03_edit_and_rerender.ipynb`, which replay a recorded lecture). "
            "A run of 4 sections costs a few cents with `gpt-4.1` (see `%c2v usage` at the end).\n\n"
            "Any OpenAI-compatible endpoint works. Settings come from flags, then `%config Code2Video.<name>`, "
            "then the environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `CODE2VIDEO_MODEL`)."),
        new_code_cell("%load_ext code2video_nb"),
        new_markdown_cell(
            "Set your key. `%env` stores it in this notebook's code, so clear the cell before sharing the "
            "notebook — or set the variable before starting Jupyter instead. A custom endpoint (a gateway, a "
            "local server) goes in `OPENAI_BASE_URL`."),
        new_code_cell("%env OPENAI_API_KEY=sk-..."),
        new_code_cell("# Optional: an OpenAI-compatible endpoint other than OpenAI's\n"
                      "# %env OPENAI_BASE_URL=https://my-gateway.example/v1"),
        new_code_cell('%config Code2Video.model = "gpt-4.1"\n%c2v config'),
        new_markdown_cell(
            "Plan, write and render the lecture. The first line is the topic; the lines after it are "
            "learning goals that steer the outline. Model requests are cached "
            "(`~/.cache/code2video/replies`): running the cell again after an interruption resumes without "
            "paying twice.\n\n"
            "In JupyterLab with the code2video extension one section cell per section is inserted below this "
            "cell. Elsewhere a panel shows the sections and each run offers the next cell; "
            "`%c2v notebook lecture.ipynb` writes them all to a notebook."),
        new_code_cell(
            "%%code2video --sections 4 --audience first-year undergraduates\n"
            f"{TOPIC}\n"
            "Goal: recognise an eigenvector as a vector whose direction a matrix keeps.\n"
            "Goal: find eigenvalues from det(A − λI) = 0 for a 2×2 matrix.\n"
            "Goal: see why a matrix is diagonal in an eigenbasis, and why that makes Aⁿ easy."),
        new_markdown_cell("Where each section stands, and what the model cost per stage "
                          "(prices: `%config Code2Video.prompt_price` / `completion_price`, USD per million tokens):"),
        new_code_cell("%c2v status"),
        new_code_cell("%c2v usage"),
        new_markdown_cell("The whole lecture at 1080p60, with subtitles (renders every section again; minutes):"),
        new_code_cell("%c2v export --quality final"),
    ])


def edit_and_rerender(code: dict[str, str]) -> nbformat.NotebookNode:
    original = code[EDIT_SECTION]
    assert original.count(EDIT_FROM) == 1, f"section {EDIT_SECTION} no longer contains {EDIT_FROM!r}"
    edited = original.replace(EDIT_FROM, EDIT_TO)
    return notebook([
        new_markdown_cell(
            "# Edit a section and render it again (offline)\n\n"
            "A section cell is the section's code. Run it: unchanged code shows its cached preview at once; "
            "changed code is saved to the workspace (`history` in `lecture.json` keeps every version) and "
            "rendered again, with auto-fix if it fails. Replays the bundled demo lecture, so no key is needed."),
        new_code_cell("%load_ext code2video_nb"),
        new_markdown_cell("Plan and write the code, but render nothing yet (`--no-render`): each section renders "
                          "when its cell runs."),
        new_code_cell(f"{DEMO_MAGIC} --no-render\n{TOPIC}"),
        new_markdown_cell(f"## Section {EDIT_SECTION} as written\n\nThe first run renders it (a few seconds):"),
        section_cell(EDIT_SECTION, original),
        new_markdown_cell(
            "## The same section, edited\n\n"
            f"Here the label `\"λ=3\"` becomes `\"stretch × 3\"` and turns yellow. In your own notebook you would "
            "edit the cell above and run it again; this is a copy so both versions stay visible. "
            "Changed code → rendered again:"),
        section_cell(EDIT_SECTION, edited),
        new_markdown_cell("## Run it again unchanged\n\nThe code is what was last rendered, so the cached preview "
                          "is shown instantly:"),
        section_cell(EDIT_SECTION, edited),
        new_code_cell("%c2v status"),
        new_markdown_cell("## The lecture as a standalone notebook\n\n"
                          "One markdown cell (title and lecture lines) and one section cell per section, "
                          "with the code as it stands now — including your edit:"),
        new_code_cell("%c2v notebook my_lecture.ipynb"),
    ])


# The typo shown in 04: `Creat(` for `Create(` in section 1 (found as NameError at run time).
TYPO_SECTION = "1"
TYPO_FROM = "self.play(Create(plane)"
TYPO_TO = "self.play(Creat(plane)"


def when_a_section_fails(code: dict[str, str]) -> nbformat.NotebookNode:
    original = code[TYPO_SECTION]
    assert original.count(TYPO_FROM) == 1, f"section {TYPO_SECTION} no longer contains {TYPO_FROM!r}"
    broken = original.replace(TYPO_FROM, TYPO_TO)
    line = 1 + next(i for i, text in enumerate(original.splitlines(), 1) if TYPO_FROM in text)  # of the cell
    return notebook([
        new_markdown_cell(
            "# When a section fails (offline)\n\n"
            "What you see when a section's code breaks, and the two ways out. Replays the bundled demo "
            "lecture, so no key is needed to run it."),
        new_code_cell("%load_ext code2video_nb"),
        new_code_cell(f"{DEMO_MAGIC} --no-render\n{TOPIC}"),
        new_markdown_cell(
            f"## A typo\n\nLine {line} of this cell says `Creat(` instead of `Create(`. Running it fails, "
            "and the message names the line of the cell and what to do. Without a key, auto-fix has no model "
            "to ask (the demo recording has no fix for your own edits), so it says so: fix the line by hand, "
            "or set a key (`%env OPENAI_API_KEY=...`) and run the cell again to let auto-fix repair it. "
            "The full log is one click away."),
        section_cell(TYPO_SECTION, broken),
        new_markdown_cell("`%c2v status` keeps the error, with the cell's line, until the section renders:"),
        new_code_cell("%c2v status"),
        new_markdown_cell("## Fixed by hand\n\nThe same cell with `Create(` again. It renders, and the status "
                          "no longer shows an error:"),
        section_cell(TYPO_SECTION, original),
        new_code_cell("%c2v status"),
    ])


ZH = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors_zh.json").read_text("utf-8"))["lecture"]


def chinese_lecture() -> nbformat.NotebookNode:
    return notebook([
        new_markdown_cell(
            "# A lecture in Chinese (offline)\n\n"
            "The lecture's language is a setting: `%config Code2Video.language = \"zh\"` (a BCP 47 tag: `zh`, "
            "`es`, `ar`, `fr`, `hi`, `ja`…). The planner and the coder are then asked for the title, the lecture "
            "lines and the narration in Chinese, mathematics stays in `MathTex`, the scene draws the words in a "
            "font that covers them (Noto Sans CJK, installed by `scripts/install.sh`), and `espeak-ng` speaks "
            "them in Mandarin. With `--from notes.md`, notes written in Chinese are recognised without the setting.\n\n"
            f"Here `--replay demo:zh` answers from a bundled recorded lecture, *{ZH['topic']}* "
            f"({ZH['sections']} sections for {ZH['audience']}): no API key or network needed. The same lecture "
            "from the command line: `code2video demo --language zh --out lectures/`."),
        new_code_cell("%load_ext code2video_nb"),
        new_code_cell('%config Code2Video.language = "zh"'),
        new_markdown_cell("Plan, write and render both sections (about a minute: the narration sets each "
                          "block's length). In JupyterLab with the code2video extension the section cells are "
                          "inserted below; elsewhere a panel offers them."),
        new_code_cell(f"%%code2video --replay demo:zh --sections {ZH['sections']} --audience {ZH['audience']}\n"
                      f"{ZH['topic']}"),
        new_code_cell("%c2v status"),
        new_markdown_cell("The whole lecture as one MP4 with its Mandarin narration, and UTF-8 subtitles cut at "
                          "sentence ends:"),
        new_code_cell("%c2v export"),
    ])


def main() -> None:
    code = demo_sections()
    for name, nb in [("01_quickstart_offline.ipynb", quickstart(code)),
                     ("02_live_model.ipynb", live_model()),
                     ("03_edit_and_rerender.ipynb", edit_and_rerender(code)),
                     ("04_when_a_section_fails.ipynb", when_a_section_fails(code)),
                     ("05_lecture_in_chinese.ipynb", chinese_lecture())]:
        nbformat.validate(nb)
        nbformat.write(nb, str(HERE / name))
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
