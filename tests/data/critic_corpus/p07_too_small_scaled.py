# Critic corpus: p07 too small: labels scaled down to fit (paper style)
# Axis names scaled by 0.25 when placed: readable in the code, not on screen.
# expect: too_small 42 block=1
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

class Section7Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Supply and demand", ["Two curves cross", "The price settles there"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        supply = Line(LEFT * 1.5 + DOWN * 1.2, RIGHT * 1.5 + UP * 1.2, color=BLUE)
        demand = Line(LEFT * 1.5 + UP * 1.2, RIGHT * 1.5 + DOWN * 1.2, color=RED)
        chart = VGroup(supply, demand)
        self.place_in_area(chart, "B2", "D4")
        price = Text("price", font_size=28)
        self.place_at_grid(price, "A1", scale_factor=0.25)
        self.play(Create(supply), Create(demand), FadeIn(price), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color(YELLOW)
        point = Dot(chart.get_center(), color=YELLOW)
        self.play(FadeIn(point), run_time=1)
        self.wait(2)
