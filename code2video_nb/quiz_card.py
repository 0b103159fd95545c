"""The quiz in the video (`--quiz-in-video`): after a section, a card per question. The card shows
the question and its four options while the voice reads them and says to think, stays silent
for THINK seconds, then reveals the answer (highlighted, with its explanation) while the voice
says it. Subtitles follow the voice.

The timing is worked out from the narration first (`timeline`, pure), and the card's frames and
its cues are laid out from that same timeline, so the picture, the sound and the subtitles
agree. A lecture without a voice is timed by reading speed instead. Frames are drawn with
Pillow at the sections' size and frame rate and encoded with PyAV as manim encodes the sections,
so the lecture is joined without re-encoding (no manim run: nothing generated executes here).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

from .files import atomic_path
from .lecture_quiz import section_questions
from .narration import PAUSE, Clip, Narrator
from .plan import Storyboard
from .quiz_questions import QuizQuestion
from .video import probe
from .voices import CachedVoice
from .workspace import Workspace, safe_id

THINK = 4.0  # seconds of silence to think, after the voice says so
READING = 2.5  # words per second: how long a silent card shows a text
FONT = "DejaVuSans.ttf"
# How manim 0.22 encodes a section (manim/_config/video_encoder.py: libx264, yuv420p, its default
# options, default preset and profile). The card must be encoded the same way, not merely at the same
# size: x264's stream headers (SPS/PPS, in the mp4's extradata) follow the preset and tune, and
# `video.concat_videos` only copies packets when every part's headers are equal - one card with
# other settings made it re-encode the whole lecture at every export.
SECTION_CODEC, SECTION_PIX_FMT, SECTION_OPTIONS = "libx264", "yuv420p", (("crf", "23"),)
BACKGROUND, INK, MUTED, RIGHT = (24, 26, 33), (240, 240, 240), (150, 155, 165), (102, 187, 106)


def question_words(q: QuizQuestion) -> str:
    options = ". ".join(f"{letter}: {option}" for letter, option in q.lettered())
    return f"Question. {q.question} {options}. Take a moment to think."


def answer_words(q: QuizQuestion) -> str:
    return f"The answer is {q.answer}: {q.answer_text}. {q.explanation}".strip()


@dataclass(frozen=True)
class Beat:
    """One question on the card, in seconds from the card's start."""
    question: QuizQuestion
    asked_at: float  # the question appears and is read
    asked_for: float  # how long its reading lasts
    answered_at: float  # the answer is revealed and said (after the pause to think)
    answered_for: float
    ends_at: float


def timeline(questions: list[QuizQuestion], spoken: list[tuple[float, float]]) -> list[Beat]:
    """Each question's beat from how long its question and its answer are spoken."""
    beats, at = [], 0.0
    for q, (asking, answering) in zip(questions, spoken):
        answered_at = round(at + asking + THINK, 3)
        ends_at = round(answered_at + answering + PAUSE, 3)
        beats.append(Beat(q, round(at, 3), asking, answered_at, answering, ends_at))
        at = ends_at
    return beats


def reading_seconds(text: str) -> float:
    return round(max(1.5, len(text.split()) / READING), 3)


@dataclass(frozen=True)
class SectionCard:
    """A section's card: its video, how long it plays, its cues and its spoken clips."""
    path: Path
    beats: tuple[Beat, ...]
    clips: tuple[tuple[float, Clip], ...]  # (seconds into the card, clip); () when silent

    @property
    def duration(self) -> float:
        return self.beats[-1].ends_at if self.beats else 0.0

    def cue_input(self) -> tuple:
        """The card as `video.lecture_cues` takes a section: (duration, texts, starts, lengths)."""
        texts, starts, lengths = [], [], []
        for b in self.beats:
            options = "  ".join(f"{letter}) {option}" for letter, option in b.question.lettered())
            texts += [f"{b.question.question}\n{options}", answer_words(b.question)]
            starts += [b.asked_at, b.answered_at]
            lengths += [b.answered_at - b.asked_at, b.ends_at - b.answered_at]
        return self.duration, texts, starts, lengths


def make_card(questions: list[QuizQuestion], out: Path, *, size: tuple[int, int], fps: float,
              narrator: Narrator | None = None, lines_dir: Path | None = None) -> SectionCard:
    """The card for `questions`, spoken by `narrator` (its lines cached in `lines_dir`) or timed by
    reading speed, written to `out` at the sections' `size` and `fps`."""
    clips: list[tuple[Clip, Clip]] = []
    if narrator is not None and lines_dir is not None:
        voice = CachedVoice(narrator.voice, lines_dir)
        for q in questions:
            said = [voice.synthesize(text, voice=narrator.voice_name, speed=narrator.speed)
                    for text in (question_words(q), answer_words(q))]
            clips.append((Clip(question_words(q), said[0].path, said[0].seconds),
                          Clip(answer_words(q), said[1].path, said[1].seconds)))
        spoken = [(a.seconds, b.seconds) for a, b in clips]
    else:
        spoken = [(reading_seconds(question_words(q)), reading_seconds(answer_words(q))) for q in questions]
    beats = timeline(questions, spoken)
    write_frames(beats, out, size=size, fps=fps)
    placed = tuple((at, clip) for beat, pair in zip(beats, clips)
                   for at, clip in ((beat.asked_at, pair[0]), (beat.answered_at, pair[1])))
    return SectionCard(Path(out), tuple(beats), placed)


def write_frames(beats: list[Beat], out: Path, *, size: tuple[int, int], fps: float) -> Path:
    """The card's video: each beat's question picture until its answer is revealed, then the answer's."""
    rate = Fraction(fps).limit_denominator(1001)
    width, height = size[0] // 2 * 2, size[1] // 2 * 2  # yuv420p needs even sides
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(Path(out), suffix=".mp4") as tmp, av.open(str(tmp), "w", format="mp4") as dst:
        stream = dst.add_stream(SECTION_CODEC, rate=rate, options=dict(SECTION_OPTIONS))
        stream.width, stream.height, stream.pix_fmt = width, height, SECTION_PIX_FMT
        n = 0
        for beat in beats:
            for reveal, until in ((False, beat.answered_at), (True, beat.ends_at)):
                picture = draw(beat.question, (width, height), reveal=reveal)
                frame = av.VideoFrame.from_image(picture).reformat(format="yuv420p")  # once, not per frame
                while n / rate < until - 1e-6:  # frame n is seen at n / rate
                    frame.pts, frame.time_base = n, 1 / rate
                    dst.mux(stream.encode(frame))
                    n += 1
        dst.mux(stream.encode(None))
    return Path(out)


def draw(q: QuizQuestion, size: tuple[int, int], *, reveal: bool) -> Image.Image:
    """The card's picture: the question and its options; revealed, the answer marked and explained."""
    width, height = size
    image = Image.new("RGB", size, BACKGROUND)
    pen = ImageDraw.Draw(image)
    big, small = _font(height // 16), _font(height // 22)
    margin, y = width // 14, height // 12
    pen.text((margin, y), "Check your understanding", font=small, fill=MUTED)
    y += height // 10
    chars = max(20, int((width - 2 * margin) / (height / 16 * 0.55)))
    for line in textwrap.wrap(q.question, chars):
        pen.text((margin, y), line, font=big, fill=INK)
        y += int(height / 16 * 1.3)
    y += height // 30
    for letter, option in q.lettered():
        right = reveal and letter == q.answer
        colour = RIGHT if right else (MUTED if reveal else INK)
        pen.text((margin, y), f"{'✓' if right else ' '} {letter})  {option}", font=big, fill=colour)
        y += int(height / 16 * 1.45)
    if reveal and q.explanation:
        y += height // 40
        for line in textwrap.wrap(q.explanation, int(chars * 1.4))[:3]:
            pen.text((margin, y), line, font=small, fill=INK)
            y += int(height / 22 * 1.3)
    return image


def _font(px: int):
    try:
        return ImageFont.truetype(FONT, max(8, px))
    except OSError:  # no DejaVu on this machine: Pillow's own
        return ImageFont.load_default(max(8, px))


def section_cards(ws: Workspace, storyboard: Storyboard, videos: list[Path], quality: str,
                  narrator: Narrator | None, progress) -> dict[str, SectionCard]:
    """A card after each section that has questions, at the size and frame rate of its videos
    (`export` joins them in); in the lecture folder's cards/, its lines in the narration's cache."""
    shape = probe(videos[0])
    cards = {}
    for section in storyboard.sections:
        questions = section_questions(section, ws.read_code(section.id))
        if questions:
            progress("export", f"section {section.id}: a quiz card with {len(questions)} question(s)")
            cards[section.id] = make_card(questions, ws.dir / "cards" / f"{safe_id(section.id)}-{quality}.mp4",
                                          size=(shape.width, shape.height), fps=shape.fps, narrator=narrator,
                                          lines_dir=ws.dir / "audio" / "lines")
    return cards
