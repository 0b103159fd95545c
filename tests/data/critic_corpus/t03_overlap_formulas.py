# Critic corpus: t03 overlap of two formulas (TeachingScene)
# Two formulas of one block put in neighbouring cells, one too wide for its cell.
# expect: overlap 19 block=1
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["The derivative of a power", "The derivative of a sum"]


class DerivativeScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Rules of differentiation", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        power = MathTex(r"\frac{d}{dx} x^n = n x^{n-1}")
        self.place_at_grid(power, "B3")
        example = MathTex(r"\frac{d}{dx} x^3 = 3x^2")
        self.place_at_grid(example, "B4")
        self.play(Write(power), Write(example), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        total = MathTex(r"(f + g)' = f' + g'")
        self.place_at_grid(total, "D4")
        self.play(Write(total), run_time=1)
        self.wait(2)
