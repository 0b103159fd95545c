"""Evaluation of generated lectures, as in the paper's MMMC benchmark. The API (stable; the CLI's
`code2video eval`, the notebook's `%c2v eval` and `code2video batch --eval` call it):

    from code2video_nb.evaluation import aes, quiz, efficiency, significance

    aes.judge(video, topic, *, settings, client, frames=None, workspace=None, send="frames") -> aes.AesResult
        .dimensions {name: 0..20}, .total (their sum, /100), .feedback {name: text}, .tokens;
        .to_json() -> {"dimensions", "total", "feedback", "tokens"}
    quiz.teach_quiz(video, topic, *, settings, client, questions=None, workspace=None, frames=None,
                    send="frames") -> quiz.QuizResult
        .accuracy("plain" | "unlearned" | "video"), .gain, .answers, .tokens;
        .to_json() -> {"questions", "plain", "unlearned", "video", "gain", "answers", "tokens"}
        quiz.questions_for(topic, file=None), quiz.topics() (the 117 MMMC topics), quiz.bank()
    efficiency.measure(workspace, *, prompt_price=2.0, completion_price=8.0) -> efficiency.Efficiency
        .wall, .render_seconds, .fix_attempts, .calls, .tokens, .cost, .stages, .sections; .to_json()
    significance.gain_summary(gains, confidence=0.95) -> significance.GainSummary
        .n, .mean, .low, .high, .p_value; .text(), .to_json()

`video` is a video file or a lecture folder (its exported video); when it belongs to a lecture
workspace its topic is the default and the judge sees the keyframes of its lecture-line blocks.
The model is `settings.vlm_model` (CODE2VIDEO_VLM_MODEL); stages `judge`, `quiz:plain`,
`quiz:unlearned`, `quiz:video`, counted in `client.usage_by_stage()` like every request.
"""

from . import aes, efficiency, frames, quiz, significance

__all__ = ["aes", "efficiency", "frames", "quiz", "significance"]
