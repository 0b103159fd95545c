# Critic corpus: t07 too small: a footnote (TeachingScene)
# A side note written at font size 9, unreadable in the 480p preview.
# expect: too_small 26 block=2
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["The mean is the balance point", "It is sensitive to outliers"]


class MeanScene(TeachingScene):
    def construct(self):
        self.setup_lecture("The arithmetic mean", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        mean = MathTex(r"\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i")
        self.place_at_grid(mean, "B4")
        self.play(Write(mean), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        data = MathTex("1, 2, 3, 4, 100")
        self.place_at_grid(data, "D4")
        note = Text("one large value moves the mean a lot", font_size=9)
        self.place_at_grid(note, "E4")
        self.play(Write(data), FadeIn(note), run_time=1)
        self.wait(2)
