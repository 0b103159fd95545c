# Critic corpus: p09 stale overlap: a new diagram over an old sentence (paper style)
# Block 1's sentence spans C2–C5; block 2 draws a large ellipse there without removing it.
# expect: stale_overlap 45 block=2
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

class Section9Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Planetary orbits", ["Kepler: orbits are ellipses", "The sun sits at a focus"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        law = Text("Every planet moves on an ellipse", font_size=28)
        self.place_in_area(law, "C2", "C5")
        self.play(Write(law), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color(YELLOW)
        orbit = Ellipse(width=4.5, height=2.6, color=BLUE)
        self.place_in_area(orbit, "B2", "D5")
        sun = Dot(orbit.get_center() + RIGHT * 1.2, color=YELLOW, radius=0.15)
        self.play(Create(orbit), FadeIn(sun), run_time=1)
        self.wait(2)
