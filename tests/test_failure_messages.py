"""The one line a failed section cell shows: the cell's line, the error, and what to do."""

from __future__ import annotations

from code2video_nb.engine import SectionResult
from code2video_nb.notebook.failures import failure_message, failure_view, in_cell_terms
from code2video_nb.section_state import FixAttempt

NAME_ERROR = "NameError: name 'Creat' is not defined"


def failed(**fields) -> SectionResult:
    return SectionResult("2", False, **{"error": NAME_ERROR, "line": 28, **fields})


def test_no_model_names_the_cell_line_and_both_ways_out():
    message = failure_message(failed(needs_model=True, fix_blocked="OPENAI_API_KEY is not set"),
                              key_env="OPENAI_API_KEY", replayed=True)
    assert message.startswith(f"Section 2 failed at line 29 of the cell: {NAME_ERROR}.")
    assert "fix line 29 by hand" in message and "%env OPENAI_API_KEY=<your key>" in message
    assert "the demo recording has no fix for this change" in message
    assert "\n" not in message and "stage" not in message  # one line, no internal words


def test_a_key_elsewhere_is_named_as_configured():
    message = failure_message(failed(needs_model=True), key_env="MY_GATEWAY_KEY")
    assert "%env MY_GATEWAY_KEY=<your key>" in message and "recording" not in message


def test_a_model_that_failed_is_not_reported_as_a_missing_key():
    message = failure_message(failed(fix_attempts=1, fix_blocked="[fix:2] cannot reach http://x: check "
                                     "OPENAI_BASE_URL and your network"), key_env="OPENAI_API_KEY")
    assert "Auto-fix could not ask the model (" in message and "cannot reach" in message
    assert "%env" not in message and "Fix line 29 by hand" in message


def test_auto_fix_that_gave_up_says_how_often_and_where_the_attempts_are():
    message = failure_message(failed(fix_attempts=4), key_env="OPENAI_API_KEY")
    assert "Auto-fix tried 4 times and could not repair it" in message and "log below" in message


def test_a_time_out_says_which_setting_limits_it():
    message = failure_message(failed(error="RenderTimeout: the scene ran longer than 240 s and was stopped",
                                     line=None, timed_out=True), key_env="OPENAI_API_KEY")
    assert "at line" not in message and "%config Code2Video.render_timeout" in message
    assert "Fix the code by hand" in message


def test_line_numbers_inside_engine_messages_become_the_cells():
    assert in_cell_terms("line 3: import of 'socket' is not allowed; line 10: eval") == \
        "line 4: import of 'socket' is not allowed; line 11: eval"


def test_the_full_log_holds_the_traceback_and_each_fix_attempt():
    attempts = [FixAttempt("scope", "Lecture Line 2 block", start=20, end=27, result=NAME_ERROR, tokens=812,
                           seconds=2.5)]
    view = failure_view(failed(fix_attempts=1, log="Traceback …\nNameError: name 'Creat' is not defined"),
                        key_env="OPENAI_API_KEY", attempts=attempts)
    html = view._repr_html_()
    summary, details = html.split("<details>")
    assert "line 29 of the cell" in summary and "Traceback" not in summary
    assert "Traceback" in details and "Lecture Line 2 block (cell lines 21–28): still failing" in details


def test_the_failing_line_is_quoted_since_notebooks_hide_line_numbers():
    code = "\n".join(f"x{i} = {i}" for i in range(1, 28)) + "\n        self.play(Creat(plane), run_time=1)\n"
    message = failure_message(failed(needs_model=True), key_env="OPENAI_API_KEY", code=code)
    assert "at line 29 of the cell (`self.play(Creat(plane), run_time=1)`): NameError" in message
    assert "`" not in failure_message(failed(line=99), key_env="OPENAI_API_KEY", code=code)  # no such line
