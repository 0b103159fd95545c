"""Evaluation of generated lectures, as in the paper's MMMC benchmark. The API (stable; the CLI's
`code2video eval`, the notebook's `%c2v eval` and `code2video batch --eval` call it):

    from code2video_nb.evaluation import aes, quiz, efficiency, significance
    from code2video_nb.evaluation.protocol import Protocol, protocol_for, OURS, PAPER

    protocol_for(name=None | "ours" | "paper", paper_repo=None, env=None) -> Protocol
        "paper" reads the original's prompts from `paper_repo`, else $CODE2VIDEO_PAPER_REPO (a checkout
        of showlab/Code2Video, parsed, never run), else uses our wording; ConfigError (one line) for
        an unknown name, --paper-repo without "paper", or a checkout without the prompts.
    `send=None` is the protocol's ("frames" for ours, "video" for the paper's).
    Protocol (frozen): .name, .send ("frames"|"video"), .sampling ("uniform" | None: the settings'),
        .plain_names_topic, .evidence, .token_stages (None = all), .cache,
        .failed_scored, .paper (paper_prompts.PaperPrompts | None), .prompts ("paper"|"ours");
        .visual(lecture, settings=, frames=None, send=None) (what the model sees),
        .counts_tokens(stage_key), .tokens(usage_by_stage), Protocol.teachquiz(gains) (mean × 100),
        .describe() (the line every report prints), .to_json() (`"protocol"` in every --json)

    aes.judge(video, topic, *, settings, client, frames=None, workspace=None, send=None,
              protocol=OURS) -> aes.AesResult
        .dimensions {name: 0..20}, .total (their sum, /100), .feedback {name: text}, .tokens, .shown, .protocol;
        .to_json() -> {"dimensions", "total", "feedback", "tokens", "shown", "protocol"}
    quiz.teach_quiz(video, topic, *, settings, client, questions=None, workspace=None, frames=None,
                    send=None, protocol=OURS, evidence=None) -> quiz.QuizResult   (video None: a failed
                    lecture, its video pass scored wrong without asking, as the original scores a missing video)
        .accuracy("plain" | "unlearned" | "video"), .gain, .teachquiz (gain × 100), .baseline, .answers,
        .tokens, .shown, .evidence, .protocol;
        .to_json() -> {"questions", "plain", "unlearned", "video", "gain", "teachquiz", "baseline", "answers",
                       "tokens", "shown", "evidence", "protocol"}
        quiz.questions_for(topic, file=None), quiz.topics() (the 117 MMMC topics), quiz.bank()
        quiz.baseline(right_letters, letter=None) -> quiz.Baseline .letter, .accuracy (always one letter)
        evidence: "frames" | "frames+subtitles" (evidence.py); None: the protocol's (ours: with subtitles
        when the video is narrated; the paper's: frames)
    efficiency.measure(workspace, *, prompt_price=2.0, completion_price=8.0) -> efficiency.Efficiency
        .wall, .render_seconds, .fix_attempts, .calls, .tokens (every stage), .paper_tokens (outline,
        storyboard, code: the original's count), .cost, .stages, .sections; .to_json()
    efficiency.lecture_tokens(usage_by_stage) -> efficiency.LectureTokens .calls, .ours, .paper
        (what making the lecture cost, the judge's and the quiz's stages apart)
    significance.gain_summary(gains, confidence=0.95) -> significance.GainSummary
        .n, .mean, .low, .high, .p_value; .text(), .to_json()

`video` is a video file or a lecture folder (its exported video); when it belongs to a lecture
workspace its topic is the default and the judge sees the keyframes of its lecture-line blocks.
The model is `settings.vlm_model` (CODE2VIDEO_VLM_MODEL); stages `judge`, `quiz:plain`,
`quiz:unlearned`, `quiz:video`, counted in `client.usage_by_stage()` like every request.
"""

from . import aes, efficiency, evidence, frames, paper_prompts, protocol, quiz, significance

__all__ = ["aes", "efficiency", "evidence", "frames", "paper_prompts", "protocol", "quiz", "significance"]
