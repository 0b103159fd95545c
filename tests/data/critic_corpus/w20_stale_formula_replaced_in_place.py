# Critic corpus: w20 stale overlap: the next step written where the previous one still is (TeachingScene)
# Placed in the same cell as the old formula, which was never faded out.
# expect: stale_overlap 24 block=2
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Start from 2x + 3 = 11", "Take 3 from both sides"]


class SolveScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Solving a linear equation", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        step1 = MathTex(r"2x + 3 = 11")
        self.place_at_grid(step1, "B3")
        self.play(Write(step1), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        step2 = MathTex(r"2x = 8")
        self.place_at_grid(step2, "B3")
        self.play(Write(step2), run_time=1)
        self.wait(1)
