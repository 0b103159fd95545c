# Critic corpus: p02 offscreen: a shape shifted out of the frame (paper style)
# A bar chart's last bar is shifted down by too much and leaves the bottom of the frame.
# expect: offscreen 48 block=2
from manim import *


class TeachingScene(Scene):
    """The Code2Video convention: title on top, lecture lines (self.lecture) on the left, and a
    6x6 anchor grid (self.grid: "A1".."F6" -> point) on the right."""

    def setup_layout(self, title, lecture_lines):
        self.title = Text(title, font_size=30).to_edge(UP, buff=0.3)
        self.lecture = VGroup(*[Text(line, font_size=20, color=GRAY_B) for line in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.35).to_corner(UL, buff=0.5).shift(DOWN * 0.9)
        self.add(self.title, self.lecture)
        self.grid = {}
        for i, row in enumerate("ABCDEF"):
            for j in range(6):
                self.grid[f"{row}{j + 1}"] = np.array([0.6 + 1.1 * j, 2.4 - 1.0 * i, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject

    def place_in_area(self, mobject, top_left, bottom_right, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to((self.grid[top_left] + self.grid[bottom_right]) / 2)
        return mobject

class Section2Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Comparing quantities", ["Bars show amounts", "A negative amount"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        bar_a = Rectangle(width=0.7, height=2.0, color=BLUE, fill_opacity=0.7)
        self.place_at_grid(bar_a, "C2")
        bar_b = Rectangle(width=0.7, height=1.2, color=GREEN, fill_opacity=0.7)
        self.place_at_grid(bar_b, "C3")
        self.play(GrowFromEdge(bar_a, DOWN), GrowFromEdge(bar_b, DOWN), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color(YELLOW)
        bar_c = Rectangle(width=0.7, height=1.6, color=RED, fill_opacity=0.7)
        self.place_at_grid(bar_c, "E4")
        bar_c.shift(DOWN * 2)
        self.play(GrowFromEdge(bar_c, UP), run_time=1)
        self.wait(2)
