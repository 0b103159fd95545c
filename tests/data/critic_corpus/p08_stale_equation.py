# Critic corpus: p08 stale overlap: each block writes into B3 (paper style)
# Block 2's equation is written where block 1's still stands.
# expect: stale_overlap 46 block=2
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

class Section8Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Kinetic energy", ["Energy of a moving mass", "Double the speed"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        energy = MathTex(r"E = \frac{1}{2} m v^2")
        self.place_at_grid(energy, "B3")
        self.play(Write(energy), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[0].set_color(GRAY_B)
        self.lecture[1].set_color(YELLOW)
        doubled = MathTex(r"E' = \frac{1}{2} m (2v)^2 = 4E")
        self.place_at_grid(doubled, "B3")
        self.play(Write(doubled), run_time=1)
        self.wait(2)
