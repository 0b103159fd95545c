# Critic corpus: p06 too small: a formula at font size 12 (paper style)
# The constraint under the main formula is set at font size 12: about 5 px high at 480p.
# expect: too_small 40 block=1
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

class Section6Scene(TeachingScene):
    def construct(self):
        self.setup_layout("The quadratic formula", ["Roots of a quadratic", "When are they real?"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        roots = MathTex(r"x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}")
        self.place_at_grid(roots, "B4")
        condition = MathTex(r"a \neq 0", font_size=12)
        self.place_at_grid(condition, "C4")
        self.play(Write(roots), FadeIn(condition), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color(YELLOW)
        disc = MathTex(r"b^2 - 4ac \geq 0")
        self.place_at_grid(disc, "E4")
        self.play(Write(disc), run_time=1)
        self.wait(2)
