# Critic corpus: t01 offscreen formula (TeachingScene)
# A formula moved by hand past the right edge of the frame.
# expect: offscreen 24 block=2
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A right triangle has legs a and b", "The squares of the legs add up"]


class RightTriangleScene(TeachingScene):
    def construct(self):
        self.setup_lecture("The Pythagorean theorem", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        triangle = Polygon(ORIGIN, RIGHT * 3, RIGHT * 3 + UP * 2, color=BLUE)
        self.place_in_area(triangle, "B1", "D3")
        self.play(Create(triangle), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        formula = MathTex(r"a^2 + b^2 = c^2", font_size=54)
        formula.move_to(RIGHT * 6.2 + UP * 0.5)
        self.play(Write(formula), run_time=1)
        self.wait(2)
