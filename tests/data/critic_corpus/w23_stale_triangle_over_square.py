# Critic corpus: w23 stale overlap: the next shape drawn in the same place as the previous block's (paper style)
# expect: stale_overlap 47 block=2
from manim import *


class TeachingScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        self.camera.background_color = "#111318"
        self.title = Text(title_text, font_size=28, color=WHITE).to_edge(UP)
        self.add(self.title)
        rows = [Text(line, font_size=22, color=WHITE) for line in lecture_lines]
        self.lecture = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT).scale(0.8)
        self.lecture.to_edge(LEFT, buff=0.2)
        self.add(self.lecture)
        # 6x6 anchor grid on the right: rows A-F top to bottom, columns 1-6 left to right
        self.grid = {}
        for i, row in enumerate("ABCDEF"):
            for j in range(6):
                self.grid[f"{row}{j + 1}"] = np.array([0.5 + j, 2.2 - i, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject

    def place_in_area(self, mobject, top_left, bottom_right, scale_factor=1.0):
        corner_a, corner_b = self.grid[top_left], self.grid[bottom_right]
        mobject.scale(scale_factor)
        mobject.move_to((corner_a + corner_b) / 2)
        return mobject


class AreaScene(TeachingScene):
    def construct(self):
        self.setup_layout("Areas of shapes", ["- A square of side 2 has area 4", "- A triangle has half base times height"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#FFC6FF")
        square = Square(side_length=2.4, color="#FFC6FF", fill_opacity=0.3)
        self.place_in_area(square, "B2", "D4")
        self.play(DrawBorderThenFill(square))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#A0C4FF")
        triangle = Triangle(color="#A0C4FF", fill_opacity=0.3).scale(1.5)
        self.place_in_area(triangle, "B2", "D4")
        self.play(DrawBorderThenFill(triangle))
        self.wait(1)
