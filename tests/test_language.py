"""A lecture in the teacher's language: tags, the notes' language, what the model is asked, the static
repair of words LaTeX cannot draw (tests/test_static_fix.py). Pure functions and the scripted server."""

from __future__ import annotations

import json
import shutil

import pytest

from code2video_nb import coder
from code2video_nb.config import Settings
from code2video_nb.critic import vlm
from code2video_nb.critic.critique import critique_file
from code2video_nb.engine import Engine
from code2video_nb.evaluation import aes
from code2video_nb.evaluation.frames import Visual
from code2video_nb.errors import ConfigError, PlanError
from code2video_nb.fonts import isolate_rtl
from code2video_nb.language import choose, count_words, detect, language
from code2video_nb.line_wrap import wrap
from code2video_nb.narration import Narrator
from code2video_nb.plan import Storyboard, StoryboardSection, check_lecture_lines
from code2video_nb.planner import make_outline
from code2video_nb.video import Cue, cut_at_sentences
from code2video_nb.voices import EspeakVoice, RemoteVoice
from code2video_nb.workspace import Workspace

from conftest import make_client

NOTES = {
    "zh": "# 特征向量\n\n## 定义\n\n在线性变换下，特征向量只被拉伸或压缩，方向不变。$$A v = \\lambda v$$ "
          "其中 $\\lambda$ 是特征值。\n\n## 求法\n\n解方程 $\\det(A - \\lambda I) = 0$ 就得到所有特征值。",
    "es": "# Vectores propios\n\nUn vector propio no cambia de dirección bajo una transformación lineal; "
          "solo se estira o se encoge. El factor es el valor propio.",
    "ar": "# المتجهات الذاتية\n\nالمتجه الذاتي لا يغير اتجاهه تحت التحويل الخطي، بل يتمدد أو ينكمش فقط.",
    "fr": "# Vecteurs propres\n\nUn vecteur propre garde sa direction sous une application linéaire ; il est "
          "seulement étiré ou comprimé par la valeur propre.",
    "ja": "# 固有ベクトル\n\n固有ベクトルは線形変換で向きを変えず、伸び縮みするだけのベクトルです。",
    "hi": "# आइगेनवेक्टर\n\nरैखिक रूपांतरण में आइगेनवेक्टर अपनी दिशा नहीं बदलता, केवल खिंचता या सिकुड़ता है।",
    "en": "# Eigenvectors\n\nAn eigenvector keeps its direction under a linear map; it is only stretched.",
}


def test_tags_are_read_with_their_script_and_direction():
    zh, ar, es, pt = language("zh"), language("ar"), language("es"), language("pt_BR")
    assert (zh.name, zh.script, zh.spaceless, zh.rtl) == ("Chinese", "Hans", True, False)
    assert (ar.script, ar.rtl, ar.spaceless) == ("Arab", True, False)
    assert (es.script, es.rtl, es.english) == ("Latn", False, False)
    assert pt.tag == "pt-BR" and language("iw").tag == "he" and language(None).english
    assert zh.described() == "Chinese (zh, 中文)"


@pytest.mark.parametrize("tag", ["klingon", "xx", "zz-ZZ", "12"])
def test_an_unknown_tag_is_one_line_saying_what_to_give(tag):
    with pytest.raises(ConfigError, match="give a BCP 47 tag such as zh, es"):
        language(tag)


@pytest.mark.parametrize("tag", sorted(NOTES))
def test_the_notes_language_is_detected(tag):
    assert detect(NOTES[tag]).tag == tag


def test_formulas_do_not_make_chinese_notes_english():
    formulas = " ".join(r"$$\sum_{k=1}^{n} a_k x^k + \frac{b_k}{c} \quad \text{and the rest}$$" for _ in range(30))
    assert detect(NOTES["zh"] + formulas).tag == "zh"
    assert detect("$$A v = \\lambda v$$ 向量").english  # too few letters to tell: the default


def test_a_lecture_keeps_the_language_it_was_planned_in():
    assert choose(None, None, None)[0].english
    assert choose("es", None, NOTES["zh"]) == (language("es"), "")  # asked beats the notes
    found, note = choose(None, None, NOTES["zh"])
    assert found.tag == "zh" and "the notes are in Chinese (zh, 中文)" in note
    kept, note = choose("es", "zh", None)
    assert kept.tag == "zh" and "kept the lecture's language, Chinese" in note and "delete the lecture folder" in note


def test_chinese_lecture_lines_are_limited_by_characters():
    assert count_words("特征向量只被拉伸") == 4 and count_words("矩阵 A 的特征值") == 4
    assert count_words("Los vectores propios no cambian") == 5
    ok = StoryboardSection("1", "特征向量", ["特征向量在线性变换下只被拉伸"], ["箭头"])
    check_lecture_lines(Storyboard([ok]))
    long = StoryboardSection("1", "特征向量", ["特征向量在线性变换下只被拉伸或者压缩而方向始终保持不变"], ["箭头"])
    with pytest.raises(PlanError, match="has 14 words; at most 10"):
        check_lecture_lines(Storyboard([long]))


def test_the_planner_and_the_coder_are_asked_for_the_language(server, tmp_path):
    outline = {"topic": "特征向量", "target_audience": "学生", "sections": [{"id": "1", "title": "定义"}]}
    server.script("outline", json.dumps(outline), json.dumps(outline))
    client = make_client(server, tmp_path)
    make_outline(client, "特征向量", sections=1, language=language("zh"))
    asked = server.requests[-1].messages[-1]["content"]
    assert "the lecture is in Chinese (zh, 中文)" in asked and "at most 20 characters" in asked
    make_outline(client, "Eigenvectors", sections=1)
    assert "Language:" not in server.requests[-1].messages[-1]["content"]  # English requests as before
    section = StoryboardSection("1", "المتجهات", ["المتجه الذاتي"], ["سهم"])
    code_prompt = coder.code_request(section, "المتجهات", language=language("ar"))[-1]["content"]
    assert "The lecture is in Arabic (ar, العربية)" in code_prompt
    assert "never inside `Tex` or `MathTex`" in code_prompt and "names stay ASCII" in code_prompt


def test_the_engine_records_the_language_and_plans_in_it(server, tmp_path):
    outline = {"topic": "Vectores propios", "target_audience": "alumnos", "sections": [{"id": "1", "title": "Idea"}]}
    board = {"sections": [{"id": "1", "title": "Idea", "lecture_lines": ["Un vector propio no gira"],
                           "animations": ["una flecha"], "narration": ["Un vector propio no gira."]}]}
    server.script("outline", json.dumps(outline)).script("storyboard", json.dumps(board))
    ws = Workspace.create(tmp_path / "out", "vectores", "Vectores propios")
    engine = Engine(Settings.from_env(language="es", cache_dir=None), make_client(server, tmp_path))
    engine.plan(ws, audience="alumnos", sections=1)
    assert json.loads(ws.state_path.read_text())["language"] == "es"
    assert all("Spanish (es, español)" in r.messages[-1]["content"] for r in server.requests)


# --- wrapping a line the way Pango draws it (line_wrap.py) -------------------------------------------
def _edges(text: str, widths: dict[str, float] | None = None, default: float = 1.0) -> list[tuple[float, float]]:
    """Each drawn character's (left, right), as Pango would place glyphs of these advances."""
    edges, x = [], 0.0
    for c in text:
        w = (widths or {}).get(c, default)
        if not c.isspace():
            edges.append((x, x + w))
        x += w
    return edges


def test_chinese_rows_end_where_the_glyphs_reach_the_column():
    line = "特征向量只被拉伸方向不变"
    assert wrap(line, _edges(line), 5.0) == ["特征向量只", "被拉伸方向", "不变"]
    # narrower glyphs (Latin letters, digits) make room for more characters in a row, as drawn
    mixed = "矩阵A的特征值λ1与λ2"
    assert wrap(mixed, _edges(mixed), 5.0) == ["矩阵A的特", "征值λ1与", "λ2"]
    assert wrap(mixed, _edges(mixed, {c: 0.5 for c in "Aλ12"}), 5.0) == ["矩阵A的特", "征值λ1与λ2"]


def test_rows_keep_latin_words_whole_and_punctuation_off_the_row_start():
    line = "特征值λ是拉伸的倍数，方向不变。"
    rows = wrap(line, _edges(line), 10.0)
    assert rows == ["特征值λ是拉伸的倍", "数，方向不变。"]  # "，" never opens a row: "数" comes along
    assert not any(r[0] in "，。" for r in rows)
    spaced = "矩阵 matrix 的特征向量 eigenvector 和特征值"
    rows = wrap(spaced, _edges(spaced), 9.0)
    assert "matrix" in " ".join(rows).split() and "eigenvector" in " ".join(rows).split()
    assert all(len(r.replace(" ", "")) <= 9 or " " not in r for r in rows)
    assert "".join(rows).replace(" ", "") == spaced.replace(" ", "")  # nothing lost
    with pytest.raises(ValueError, match="glyph edges"):
        wrap(line, _edges(line)[:-1], 5.0)


# --- voice and subtitles ---------------------------------------------------------------------------
@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="scripts/install.sh installs espeak-ng")
def test_espeak_speaks_the_lectures_language_or_it_is_said_silent():
    narrator = Narrator(EspeakVoice())
    assert narrator.in_language("en")[0] is narrator  # English as before: en-us
    zh, _ = narrator.in_language("zh")
    assert (zh.voice_name, zh.language, zh.label) == ("cmn", "zh", "espeak-ng cmn")
    assert narrator.in_language("es")[0].voice_name == "es" and narrator.in_language("pt-BR")[0].voice_name == "pt-br"
    assert Narrator(EspeakVoice(), voice_name="en-gb").in_language("ar")[0].voice_name == "en-gb"  # --voice wins
    none, why = narrator.in_language("tlh")
    assert none is None and why.startswith("espeak-ng has no voice for Klingon (tlh") and "lecture is silent" in why


def test_the_remote_voice_is_told_the_language(live_env, tmp_path):
    for model, told in (("gpt-4o-mini-tts", "Speak in Chinese."), ("tts-1", None)):
        voice = RemoteVoice(Settings.from_env(tts_model=model), out_dir=tmp_path)
        voice.synthesize("特征向量只被拉伸。", language="zh")
        request = live_env.speech_requests[-1]
        assert (request.instructions, request.headers.get("content-language")) == (told, "zh")
    voice.synthesize("Eigenvectors.", language="en")
    assert live_env.speech_requests[-1].instructions is None
    assert "content-language" not in live_env.speech_requests[-1].headers


def test_chinese_subtitles_are_cut_at_sentence_ends():
    cues = cut_at_sentences([Cue(1.0, 5.0, "特征向量只被拉伸。方向不变！"), Cue(5.0, 6.0, "It stays. It stretches."),
                             Cue(6.0, 7.0, "特征值")])
    assert [(round(c.start, 3), round(c.end, 3), c.text) for c in cues] == [
        (1.0, round(1 + 4 * 9 / 14, 3), "特征向量只被拉伸。"), (round(1 + 4 * 9 / 14, 3), 5.0, "方向不变！"),
        (5.0, 6.0, "It stays. It stretches."), (6.0, 7.0, "特征值")]


# --- the critic judges a script by its own glyph height ----------------------------------------------
CJK_SIZES = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class S(TeachingScene):
    def construct(self):
        self.setup_lecture("特征向量", ["特征向量只被拉伸", "特征值是倍数"], animate=False)
        # === Animation for Lecture Line 1 ===
        self.highlight_line(1, run_time=0)
        line = Text("特征向量方向不变", font_size=24)
        self.place_at_grid(line, "B3")
        tiny = Text("特征值", font_size=10)
        self.place_at_grid(tiny, "D3")
        small = Text("eigenvalue", font_size=12)
        self.place_at_grid(small, "F3")
        self.add(line, tiny, small)
        self.wait(0.2)
'''


def test_too_small_judges_cjk_by_its_glyph_height(tmp_path):
    path = tmp_path / "cjk.py"
    path.write_text(CJK_SIZES, encoding="utf-8")
    result = critique_file(path, media_dir=tmp_path / "media", check_patches=False)
    assert result.error is None, result.error
    small = [f for f in result.findings if f.kind == "too_small"]
    # a 24-pt Chinese line (18 px) reads, and so do the lecture lines; a 10-pt one (7 px) does not,
    # though a 12-pt Latin word (7.3 px) is readable at that height
    assert [f.objects for f in small] == [["tiny"]], small
    assert "tiny is 7 px high at 480p (Chinese characters read from 11 px); scale it by" in small[0].message
    assert small[0].line == 13


def test_the_vlm_critic_and_the_judge_are_told_the_language():
    shown = Visual((), "keyframes", lines=2)
    judge_zh = aes.build_messages(shown, "特征向量", language=language("zh"))[0]["content"][0]["text"]
    assert "The lecture is in Chinese (zh, 中文)" in judge_zh and "not in English is not a defect" in judge_zh
    assert "The lecture is in" not in aes.build_messages(shown, "Eigenvectors")[0]["content"][0]["text"]
    critic_ar = vlm.build_messages([], "المتجهات", language=language("ar"))[1]["content"][0]["text"]
    assert "in Arabic, written right to left" in critic_ar
    assert "The lecture is in" not in vlm.build_messages([], "Eigenvectors")[1]["content"][0]["text"]


def test_a_demo_in_a_language_not_bundled_is_one_line(capsys):
    from code2video_nb import cli

    assert cli.main(["demo", "--language", "fr", "--out", "unused"]) == 1
    assert capsys.readouterr().err.strip() == (
        "code2video: error: no bundled demo in French: the demos are in English (en), Chinese (zh); "
        "`code2video generate … --language fr` makes one with a model")
    assert cli.main(["demo", "--from-notes", "--language", "zh", "--out", "unused"]) == 1
    assert "the bundled notes (--from-notes) are in English" in capsys.readouterr().err


def test_right_to_left_lines_are_isolated_and_others_left_alone():
    assert isolate_rtl("Eigenvectors 特征") == "Eigenvectors 特征"
    assert isolate_rtl("تمدد") == "\u200e\u2067تمدد\u2069"
    assert isolate_rtl("x = 3\nالقيمة") == "x = 3\n\u200e\u2067القيمة\u2069"  # line by line, as manim lays them out
    assert isolate_rtl(isolate_rtl("تمدد")) == isolate_rtl("تمدد")
