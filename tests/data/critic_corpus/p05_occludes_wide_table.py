# Critic corpus: p05 occludes the lecture: a wide table centred in the grid's first column (paper style)
# Centred on C1, the truth table spreads left over the lecture lines.
# expect: occludes_lecture 40 block=1
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

class Section5Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Logic gates", ["AND is true only when both inputs are true", "OR is true when either input is true"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        table = MathTable([["0", "0", "0"], ["0", "1", "0"], ["1", "0", "0"], ["1", "1", "1"]],
                          col_labels=[MathTex("A"), MathTex("B"), MathTex("A \\land B")])
        table.scale(0.8)
        self.place_at_grid(table, "C1")
        self.play(Create(table), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color(YELLOW)
        rule = MathTex(r"A \lor B")
        self.place_at_grid(rule, "B5")
        self.play(Write(rule), run_time=1)
        self.wait(2)
