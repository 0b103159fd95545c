"""The quiz widget itself, self-contained: a section's questions with an option to pick, a Check
button, and the feedback (right or wrong, the explanation, the lecture line it cites and, when
there is one, that line's keyframe).

code2video_nb shows it under a section's preview (quiz_widget.py), and `%c2v notebook` copies
this file's source into the exported notebook, so the quizzes work where code2video_nb is not
installed. So it imports nothing from code2video_nb, and only ipywidgets APIs present in both
7.7 (Colab) and 8: RadioButtons with value None, Button.on_click, HTML.

A question is a dict: {"question", "options": [four], "answer": "B", "explanation", "line",
"cited": the lecture line's text, "picture": HTML of its keyframe or ""}.
"""

from __future__ import annotations

import html

LETTERS = "ABCD"


def feedback(question: dict, letter: str | None) -> str:
    """What Check says for `letter` (None: nothing picked yet), as HTML."""
    if letter is None:
        return "<i>Pick an option first.</i>"
    right = letter == question["answer"]
    answer = question["options"][LETTERS.index(question["answer"])]
    verdict = ("<b style='color: #2e7d32'>✓ Right.</b>" if right else
               f"<b style='color: #c62828'>✗ Not quite</b>: the answer is {question['answer']}) "
               f"{html.escape(answer)}.")
    why = f" {html.escape(question.get('explanation') or '')}"
    cited = (f"<div style='opacity: 0.8'>Lecture line {question['line']}: "
             f"“{html.escape(question['cited'])}”</div>") if question.get("cited") else ""
    picture = f"<div style='margin-top: 4px'>{question['picture']}</div>" if question.get("picture") else ""
    return f"<div class='c2v-quiz-feedback'>{verdict}{why}{cited}{picture}</div>"


def quiz_box(questions: list[dict], title: str = "Check your understanding"):
    """A VBox: the title, then per question its text, the options, Check and the feedback."""
    import ipywidgets as w

    parts = [w.HTML(f"<b>{html.escape(title)}</b>")]
    for question in questions:
        pick = w.RadioButtons(options=[f"{letter}) {option}" for letter, option in zip(LETTERS, question["options"])],
                              value=None, layout=w.Layout(width="auto"))
        said = w.HTML("")
        check = w.Button(description="Check", layout=w.Layout(width="90px"))

        def on_check(_button, question=question, pick=pick, said=said):
            letter = None if pick.index is None else LETTERS[pick.index]
            said.value = feedback(question, letter)

        check.on_click(on_check)
        parts.append(w.VBox([w.HTML(f"<div class='c2v-quiz-question'>{html.escape(question['question'])}</div>"),
                             pick, check, said], layout=w.Layout(margin="4px 0 8px 0")))
    return w.VBox(parts, layout=w.Layout(border="1px solid rgba(128, 128, 128, 0.4)", padding="4px 8px"))


def show_quiz(questions: list[dict], title: str = "Check your understanding"):
    """Display the quiz (its text when ipywidgets is not installed) and return the widget."""
    from IPython.display import display

    try:
        box = quiz_box(questions, title)
    except ImportError:  # no widget library: the questions, the answers below them
        for question in questions:
            print(question["question"])
            print("\n".join(f"  {letter}) {o}" for letter, o in zip(LETTERS, question["options"])))
            print(f"  answer: {question['answer']} — {question.get('explanation', '')}")
        return None
    display(box)
    return box
