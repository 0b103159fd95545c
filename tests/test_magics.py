"""The magics in a real (in-process) IPython shell, against the scripted server."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from conftest import demo_cassette


def test_quoted_audience_reaches_the_prompt_without_quotes(ip, live_env):
    cassette = demo_cassette()
    live_env.script("outline", next(i["reply"] for i in cassette["interactions"] if i["stage"] == "outline"))
    live_env.script("storyboard", "not json", "still not json", "never json")  # stop after the outline
    with pytest.raises(UsageError):
        ip.run_cell_magic("code2video", '--sections 3 --audience "first-year undergraduates" --no-render',
                          "Eigenvectors, eigenvalues, and eigenbasis")
    prompt = live_env.requests[0].messages[-1]["content"]
    assert "Target audience: first-year undergraduates\n" in prompt


def test_unknown_c2v_command_is_one_line(ip):
    with pytest.raises(UsageError, match="use one of: status, export, notebook, usage, config"):
        ip.run_line_magic("c2v", "stats")


def test_config_names_the_settings_class(ip):
    ip.run_line_magic("config", "Code2Video.model = 'my-model'")
    magics = ip.magics_manager.registry["Code2Video"]
    assert magics.run_config().settings.model == "my-model"


def test_no_critic_is_kept_for_the_lectures_cells_and_config_is_the_default(ip):
    magics = ip.magics_manager.registry["Code2Video"]
    assert magics.run_config().critic is True
    ip.run_line_magic("config", "Code2Video.critic = False")
    assert magics.run_config().critic is False
    ip.run_line_magic("config", "Code2Video.critic = True")
    topic = "Eigenvectors, eigenvalues, and eigenbasis"
    ip.run_cell_magic("code2video", "--sections 3 --no-render --replay demo --no-critic", topic)
    session = magics.session
    ws = session.workspace(None)
    assert ws.lecture.critic is False
    from code2video_nb.notebook import reviews
    assert reviews.on(session, ws) is False  # the lecture's flag beats %config
    ip.run_cell_magic("code2video", "--sections 3 --no-render --replay demo", topic)
    assert reviews.on(session, ws) is False  # no flag: the lecture keeps its choice
    ip.run_cell_magic("code2video", "--sections 3 --no-render --replay demo --critic", topic)
    assert reviews.on(session, ws) is True
