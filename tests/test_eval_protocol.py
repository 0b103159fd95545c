"""The evaluation protocols (`--protocol ours|paper`, `--paper-repo`): the paper's prompts are read at
run time from a checkout the user names (here tests/data/paper_checkout, a stand-in in our own words
with the original's file layout, never imported), and what each protocol decides."""

from __future__ import annotations

import shutil

import pytest

from code2video_nb.errors import ConfigError
from code2video_nb.evaluation.protocol import OURS, PAPER, protocol_for

from conftest import DATA

CHECKOUT = DATA / "paper_checkout"


def test_the_paper_protocol_reads_the_prompts_of_the_checkout_it_is_given():
    protocol = protocol_for("paper", CHECKOUT, env={})
    paper = protocol.paper
    assert protocol.prompts == "paper" and paper.repo == CHECKOUT.resolve()
    rubric = paper.aes("Eigenvectors")
    assert rubric.startswith("\nFIXTURE-RUBRIC:") and 'teaches "Eigenvectors"' in rubric
    assert '"logic_flow": {"score": 0' in rubric  # the f-string's doubled braces are one brace
    assert paper.unlearned("Eigenvectors").startswith("FIXTURE-UNLEARN: forget [Eigenvectors]")  # .strip() applied
    assert paper.video("Eigenvectors").startswith("FIXTURE-UNLEARN-VIDEO: forget [Eigenvectors]")
    assert paper.plain == "FIXTURE-PLAIN: a multiple-choice test; the letter first."
    assert paper.aes("") .count("FIXTURE-RUBRIC-CONTEXT") == 0  # `if knowledge_point:` evaluated, not assumed
    assert protocol.describe() == f"paper protocol, prompts from {CHECKOUT.resolve()}"
    assert protocol.to_json()["prompts"] == "paper"


def test_the_checkout_is_found_through_the_environment_and_edits_are_read_at_run_time(tmp_path):
    checkout = shutil.copytree(CHECKOUT, tmp_path / "Code2Video")
    eva = checkout / "prompts" / "stage5_eva.py"
    eva.write_text(eva.read_text().replace("FIXTURE-RUBRIC:", "EDITED-RUBRIC:"))
    protocol = protocol_for("paper", env={"CODE2VIDEO_PAPER_REPO": str(checkout)})
    assert "EDITED-RUBRIC:" in protocol.paper.aes("Colours")


def test_without_a_checkout_the_paper_protocol_says_it_uses_our_wording():
    protocol = protocol_for("paper", env={})
    assert protocol.paper is None and protocol.prompts == "ours"
    assert protocol.describe().startswith("paper protocol, our wording with the paper's metric definitions")
    assert protocol_for(None, env={"CODE2VIDEO_PAPER_REPO": str(CHECKOUT)}) is OURS  # ours ignores the variable


@pytest.mark.parametrize("break_it, says", [
    (lambda c: shutil.rmtree(c / "prompts"), "no prompts/stage5_eva.py there"),
    (lambda c: (c / "prompts" / "stage5_unlearning.py").write_text("def get_unlearning_prompt(concept):\n"
                                                                   "    return concept.upper()\n"),
     "stage5_unlearning.py, get_unlearning_prompt(): line 2"),
    (lambda c: (c / "src" / "eval_TQ.py").write_text("def assess_baseline(self):\n    pass\n"),
     "src/eval_TQ.py, assess_baseline() assigns no prefix"),
])
def test_a_checkout_without_the_prompts_is_one_line_naming_the_path_and_what_is_missing(tmp_path, break_it, says):
    checkout = shutil.copytree(CHECKOUT, tmp_path / "checkout")
    break_it(checkout)
    with pytest.raises(ConfigError) as raised:
        protocol_for("paper", checkout, env={})
    message = str(raised.value)
    assert "\n" not in message and str(checkout) in message and says in message


def test_bad_names_and_a_paper_repo_for_our_protocol_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="--protocol must be one of ours, paper, not 'papers'"):
        protocol_for("papers")
    with pytest.raises(ConfigError, match="add --protocol paper"):
        protocol_for("ours", CHECKOUT)
    with pytest.raises(ConfigError, match="no such folder"):
        protocol_for("paper", tmp_path / "missing")


def test_what_each_protocol_counts():
    usage = {"outline": {"prompt_tokens": 100, "completion_tokens": 50}, "storyboard": {"prompt_tokens": 10,
             "completion_tokens": 5}, "code:1": {"prompt_tokens": 200, "completion_tokens": 300},
             "fix:1": {"prompt_tokens": 40, "completion_tokens": 60}, "critic:1": {"prompt_tokens": 7,
             "completion_tokens": 3}, "judge": {"prompt_tokens": 1000, "completion_tokens": 1}}
    assert PAPER.tokens(usage) == 150 + 15 + 500  # outline, storyboard, code (regenerations are code:<id>)
    assert OURS.tokens(usage) == 150 + 15 + 500 + 100 + 10 + 1001
    assert OURS.teachquiz([0.5, 0.25, -0.15]) == PAPER.teachquiz([0.5, 0.25, -0.15]) == 20.0
    assert (PAPER.send, PAPER.sampling, PAPER.plain_names_topic, PAPER.cache) == ("video", "uniform", False, False)
    assert (OURS.send, OURS.sampling, OURS.plain_names_topic, OURS.cache) == ("frames", "keyframes", True, True)
