# Patch corpus: q04 one digit of a number (paper style)
# A number is built digit by digit; its last digit runs into the box beside it. Moving that
# digit to a free cell would tear it out of the number: the critic moves the number whole.
# naive: move number[2] to F6 at 41
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


class Section4Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Reading a number", ["Digits have places"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        number = VGroup(*[MathTex(d, font_size=72) for d in "314"])
        number.arrange(RIGHT, buff=0.08)
        self.place_at_grid(number, "C3")
        box = Square(side_length=1.6, color=BLUE)
        self.place_at_grid(box, "C4")
        self.play(Write(number), Create(box), run_time=1)
        self.wait(2)
