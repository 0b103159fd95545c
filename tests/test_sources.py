"""Lectures from a teacher's notes: reading them (sources.py), planning from them (source_plan.py)
and `code2video generate --from`, with the real openai client against the scripted server."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import nbformat
import pytest

from code2video_nb.cli import main
from code2video_nb import source_plan
from code2video_nb.errors import SourceError
from code2video_nb.plan import slugify
from code2video_nb.sources import estimate_tokens, is_notes, read_source, source_from_markdown
from code2video_nb.video import probe

from conftest import make_client

DEMO = resources.files("code2video_nb").joinpath("demo")
NOTES = Path(str(DEMO.joinpath("notes", "eigenvectors.md")))
NOTES_CASSETTE = json.loads(DEMO.joinpath("eigenvectors_notes.json").read_text(encoding="utf-8"))
DET = r"\det(A - \lambda I) = 0"


def test_markdown_headings_become_parts_in_order_with_their_formulas_verbatim():
    source = read_source(NOTES)
    assert source.title == "Eigenvectors and eigenvalues"
    assert [p.heading for p in source.parts] == ["What is an eigenvector?", "Eigenvalues: the stretch factor",
                                                 "Eigenbasis: a basis of eigenvectors"]
    assert DET in source.parts[1].formulas and r"A\vec{v} = \lambda \vec{v}" in source.parts[1].formulas
    assert source.parts[2].formulas == (r"A^{n} = P\,D^{n}P^{-1}",)
    assert "$(1, 0)$" in source.parts[0].text and source.parts[0].formulas == ()  # a point is no formula
    assert source.parts[0].excerpt().startswith("A linear map moves most vectors off the line")


def test_a_cell_body_is_notes_with_two_headings_or_more_than_a_topic():
    assert is_notes(NOTES.read_text(encoding="utf-8")) and is_notes("word " * 500)
    assert not is_notes("# Fourier series\nLearning goal: see the coefficients")


def test_code_blocks_deeper_headings_and_prices_are_not_parts_or_formulas():
    source = source_from_markdown("# T\n## One\nCosts $5 and $6.\n### detail\n`$x^2$`\n```\n## not a part $y=1$\n```\n"
                                  "## Two\n\\[ e^{i\\pi} + 1 = 0 \\]\n")
    assert [p.heading for p in source.parts] == ["One", "Two"]
    assert source.formulas == (r"e^{i\pi} + 1 = 0",)
    plain = source_from_markdown("A paragraph without headings.\n\nAnother one.", fallback_title="Notes")
    assert plain.title == "Notes" and len(plain.parts) == 1


def test_text_notebook_and_html_notes_are_read(tmp_path):
    (tmp_path / "week_3.txt").write_text("Intro to the week.\n\nNewton's law\n------------\nF = ma, or $F = m a$.\n\n"
                                         "Energy\n------\n$E = \\frac{1}{2} m v^2$\n", encoding="utf-8")
    week = read_source(tmp_path / "week_3.txt")
    assert week.title == "Week 3" and [p.heading for p in week.parts] == ["Newton's law", "Energy"]
    assert week.formulas == ("F = m a", "E = \\frac{1}{2} m v^2") and week.preamble == "Intro to the week."

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Optimisation\n\n## Gradient descent\nStep: $x_{k+1} = x_k - \\eta g$"),
                nbformat.v4.new_code_cell("# a comment, not a heading\nx = 1"),
                nbformat.v4.new_markdown_cell("## Momentum\nAdds a velocity $v$.")]
    nbformat.write(nb, str(tmp_path / "course.ipynb"))
    course = read_source(tmp_path / "course.ipynb")
    assert course.title == "Optimisation" and [p.heading for p in course.parts] == ["Gradient descent", "Momentum"]
    assert course.parts[0].formulas == ("x_{k+1} = x_k - \\eta g",) and "x = 1" in course.parts[0].text

    (tmp_path / "article.html").write_text(
        "<html><head><title>t</title><script>var price = '$5$';</script></head><body><h1>Fourier series</h1>"
        "<p>Periodic signals are sums of sines.</p><h2>Coefficients</h2><p>They are "
        "<script type='math/tex'>a_n = \\frac{1}{\\pi}\\int f(x)\\cos(nx)\\,dx</script>.</p><h2>Convergence</h2>"
        "<p>Partial sums <math><mi>S</mi><annotation encoding='application/x-tex'>S_N \\to f</annotation></math>"
        " converge &amp; ring.</p></body></html>", encoding="utf-8")
    article = read_source(tmp_path / "article.html")
    assert article.title == "Fourier series" and [p.heading for p in article.parts] == ["Coefficients", "Convergence"]
    assert article.formulas == ("a_n = \\frac{1}{\\pi}\\int f(x)\\cos(nx)\\,dx", "S_N \\to f")
    assert "converge & ring" in article.parts[1].text


def test_unreadable_notes_are_one_line(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "slides.pdf").write_bytes(b"%PDF-1.4")
    for name, says in [("broken.ipynb", "notebook cannot be read"), ("slides.pdf", "must be Markdown"),
                       ("missing.md", "cannot read")]:
        with pytest.raises(SourceError, match=says) as caught:
            read_source(tmp_path / name)
        assert "\n" not in str(caught.value)


def test_five_megabyte_notes_are_refused_in_one_line_before_any_request(live_env, tmp_path, capsys):
    notes = tmp_path / "book.md"
    notes.write_text(("## Chapter\n" + "Words of a long book. " * 40 + "\n\n") * 5600, encoding="utf-8")
    assert notes.stat().st_size > 5_000_000
    assert main(["generate", "--from", str(notes), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"code2video: error: {notes} is 5.") and "split them" in err and "\n" not in err
    assert live_env.requests == [] and not (tmp_path / "out").exists()
    notes.write_text(("## Chapter\n" + "Words of a long book. " * 40 + "\n\n") * 750, encoding="utf-8")  # 670 kB
    assert main(["generate", "--from", str(notes), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert "tokens; one lecture reads at most 128,000: split the notes" in err and "\n" not in err
    assert live_env.requests == []


@pytest.mark.render
def test_notes_become_a_lecture_that_follows_them(live_env, tmp_path, capsys):
    live_env.script_cassette(NOTES_CASSETTE)
    assert main(["generate", "--from", str(NOTES), "--out", str(tmp_path), "--audience", "first-year undergraduates",
                 "--no-critic", "--quiet"]) == 0
    lecture = tmp_path / slugify("Eigenvectors and eigenvalues")
    # One section per heading, in the notes' order, without --sections.
    outline_prompt = live_env.requests[0].messages[-1]["content"]
    assert "Number of sections: 3" in outline_prompt and f"$${DET}$$" in outline_prompt
    state = json.loads((lecture / "lecture.json").read_text())
    cited = [s["source"]["part"] for s in state["storyboard"]["sections"]]
    assert cited == [p.heading for p in read_source(NOTES).parts]
    # The formula reached the coder's request and the written MathTex character for character.
    code_prompt = next(r for r in live_env.requests if r.stage == "code:2").messages[-1]["content"]
    assert f"- {DET}\n" in code_prompt + "\n"
    code = (lecture / "sections" / "2.py").read_text()
    assert f'MathTex(r"{DET}")' in code
    assert code.splitlines()[1].startswith('#   from the notes: Eigenvalues: the stretch factor — "An eigenvector is')
    video = probe(lecture / f"{lecture.name}.mp4")
    assert video.has_video and video.duration > 10


def _long_notes(parts: int, tokens_each: int) -> str:
    paragraph = "The gradient points uphill, so a small step against it lowers the loss a little. "
    body = "\n\n".join([paragraph * 10] * (tokens_each * 4 // (len(paragraph) * 10)))
    return "# Optimisation\n\n" + "\n\n".join(
        f"## Step {k}\n\nThe update is $x_{{k+1}} = x_k - \\eta_{{{k}}} g$.\n\n{body}" for k in range(1, parts + 1))


def test_notes_longer_than_the_budget_are_summarised_in_bounded_chunks(server, tmp_path):
    source = source_from_markdown(_long_notes(3, 6000), name="long.md")
    assert source.tokens > 17_000
    for k in (1, 2, 3):  # summaries that drop the formula: it is put back verbatim
        server.script(f"outline:digest-{k}", json.dumps({str(n): f"Step {n} lowers the loss." for n in (1, 2, 3)}))
    server.script("outline", json.dumps({"topic": "Optimisation", "sections": [
        {"id": str(k), "title": f"Step {k}", "content": "", "parts": [k]} for k in (1, 2, 3)]}))
    notes = []
    outline = source_plan.make_outline(make_client(server, tmp_path), source, audience="students", sections=3,
                                       budget=1000, progress=lambda stage, message: notes.append(message))
    digests = [r for r in server.requests if r.stage.startswith("outline:digest")]
    assert len(digests) == 3 and all(estimate_tokens(r.messages[-1]["content"]) < source_plan.CHUNK_TOKENS + 300
                                     for r in digests)
    outline_prompt = server.requests[-1].messages[-1]["content"]
    assert estimate_tokens(outline_prompt) < 1000 and "$x_{k+1} = x_k - \\eta_{2} g$" in outline_prompt
    assert [n for n in notes if "summarised" in n] == [outline.extra["source"]["note"]]
    assert f"about {source.tokens:,} tokens" in outline.extra["source"]["note"] and "in 3 request(s)" in outline.extra["source"]["note"]
    assert [s.extra["source"]["part"] for s in outline.sections] == ["Step 1", "Step 2", "Step 3"]


def test_an_outline_out_of_the_notes_order_is_asked_again(server, tmp_path):
    def outline(order):
        return json.dumps({"topic": "Eigen", "sections": [
            {"id": str(i), "title": f"S{i}", "parts": [k]} for i, k in enumerate(order, 1)]})

    server.script("outline", outline([2, 1, 3]), outline([1, 2, 3]))
    made = source_plan.make_outline(make_client(server, tmp_path), read_source(NOTES), audience="students",
                                    sections=3)
    assert "keep the notes' order" in server.requests[1].messages[-1]["content"]
    assert [s.extra["source"]["parts"] for s in made.sections] == [[1], [2], [3]]
