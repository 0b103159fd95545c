# Critic corpus: p12 clean: blocks that clear before reusing space, and a transform in place (paper style)
# Block 2 transforms block 1's formula; block 3 fades both out before its own in the same cells.
# expect: none
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

class Section12Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Completing the square", ["Start with a quadratic", "Add and subtract 9", "Read the vertex"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        start = MathTex("x^2 + 6x + 5")
        self.place_in_area(start, "B2", "B5")
        self.play(Write(start), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[0].set_color(GRAY_B)
        self.lecture[1].set_color(YELLOW)
        middle = MathTex("(x + 3)^2 - 4")
        self.place_in_area(middle, "B2", "B5")
        self.play(Transform(start, middle), run_time=1)
        hint = Text("9 - 9 = 0", font_size=26, color=GRAY_B)
        self.place_in_area(hint, "D2", "D5")
        self.play(FadeIn(hint), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 3 ===
        self.lecture[1].set_color(GRAY_B)
        self.lecture[2].set_color(YELLOW)
        self.play(FadeOut(start), FadeOut(hint), run_time=0.5)
        vertex = MathTex(r"\text{vertex} = (-3, -4)", color=YELLOW)
        self.place_in_area(vertex, "B2", "B5")
        self.play(Write(vertex), run_time=1)
        self.wait(2)
