"""Adding fractions

A paper-style section whose inline base class lays out a 5x5 grid (rows A-E) of 1.5-unit cells
and declares its cell size; the lecture lines are a module constant. Written for code2video_nb's tests.
"""
from manim import *

LINES = ["1. Same denominators", "2. Different denominators"]


class LessonScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        self.title = Text(title_text, font_size=30).to_edge(UP, buff=0.25)
        self.lecture = VGroup(*[Text(t, font_size=20) for t in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.35).to_corner(UL, buff=0.4).shift(DOWN * 0.9)
        self.add(self.title, self.lecture)
        self.cell_size = (1.5, 1.2)
        self.grid = {}
        for i, row in enumerate("ABCDE"):
            for j in range(5):
                self.grid[f"{row}{j + 1}"] = np.array([-0.6 + 1.5 * j, 2.3 - 1.2 * i, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        return mobject.scale(scale_factor).move_to(self.grid[grid_pos])


class FractionsScene(LessonScene):
    def construct(self):
        self.setup_layout("Adding fractions", LINES)

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(YELLOW), run_time=0.3)
        same = MathTex(r"\frac{1}{5} + \frac{2}{5} = \frac{3}{5}")
        self.place_at_grid(same, "B2")
        self.play(Write(same), run_time=0.6)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[0].animate.set_color(WHITE), self.lecture[1].animate.set_color(YELLOW), run_time=0.3)
        other = MathTex(r"\frac{1}{2} + \frac{1}{3} = \frac{5}{6}")
        self.place_at_grid(other, "B2")
        self.play(Write(other), run_time=0.6)
        self.wait(0.5)
