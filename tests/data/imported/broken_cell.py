# A paper-style section that fails at run time: it places a circle at a cell its grid does not have.
# Written for code2video_nb's tests.
from manim import *


class TeachingScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        self.title = Text(title_text, font_size=28).to_edge(UP)
        self.lecture = VGroup(*[Text(t, font_size=22) for t in lecture_lines]).arrange(DOWN).to_edge(LEFT)
        self.add(self.title, self.lecture)
        self.grid = {f"{r}{c}": np.array([0.5 + c - 1, 2.2 - i, 0]) for i, r in enumerate("ABC") for c in (1, 2, 3)}

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        return mobject.scale(scale_factor).move_to(self.grid[grid_pos])


class CircleScene(TeachingScene):
    def construct(self):
        self.setup_layout("Circles", ["A circle"])
        # === Animation for Lecture Line 1 ===
        circle = Circle()
        self.place_at_grid(circle, "D4")
        self.play(Create(circle), run_time=0.5)
