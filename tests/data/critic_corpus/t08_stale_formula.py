# Critic corpus: t08 stale overlap: a new formula where the old one still is (TeachingScene)
# Block 2 writes its formula into the cell block 1 used, without removing block 1's.
# expect: stale_overlap 24 block=2
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["The sum of the first n integers", "The sum of the first n squares"]


class SumsScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Sums of powers", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        linear = MathTex(r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}")
        self.place_at_grid(linear, "C4")
        self.play(Write(linear), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        squares = MathTex(r"\sum_{k=1}^{n} k^2 = \frac{n(n+1)(2n+1)}{6}")
        self.place_at_grid(squares, "C4")
        self.play(Write(squares), run_time=1)
        self.wait(2)
