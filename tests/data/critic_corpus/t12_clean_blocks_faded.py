# Critic corpus: t12 clean: each block clears what it replaces (TeachingScene)
# Block 2 fades block 1's formula out before writing into the same cell; block 3 transforms.
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Start from the equation", "Subtract 3 on both sides", "Divide by 2"]


class SolveScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Solving a linear equation", LECTURE_LINES)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        step1 = MathTex("2x + 3 = 11")
        self.place_at_grid(step1, "C4")
        self.play(Write(step1), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        step2 = MathTex("2x = 8")
        self.place_at_grid(step2, "C4")
        self.play(FadeOut(step1), run_time=0.5)
        self.play(Write(step2), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        step3 = MathTex("x = 4", color=YELLOW)
        self.place_at_grid(step3, "C4")
        self.play(ReplacementTransform(step2, step3), run_time=1)
        check = Text("check: 2 * 4 + 3 = 11", font_size=26)
        self.place_at_grid(check, "E4")
        self.play(FadeIn(check), run_time=1)
        self.wait(2)
