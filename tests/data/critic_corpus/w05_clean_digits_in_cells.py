# Critic corpus: w05 clean: digits written into array cells drawn in an earlier block (paper style)
# expect: none
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


class ArrayScene(TeachingScene):
    def construct(self):
        self.setup_layout("Arrays", ["- An array is a row of cells", "- Each cell holds a value", "- Index 2 picks the third"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#A8DADC")
        cells = VGroup(*[Square(side_length=0.8, color="#A8DADC") for _ in range(5)]).arrange(RIGHT, buff=0)
        self.place_in_area(cells, "C1", "C5")
        indices = VGroup(*[Text(str(k), font_size=18, color=GRAY_B).next_to(cells[k], DOWN, buff=0.15) for k in range(5)])
        self.play(Create(cells), FadeIn(indices))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#F1FAEE")
        values = [7, 2, 9, 4, 1]
        digits = VGroup(*[Text(str(v), font_size=30).move_to(cells[k]) for k, v in enumerate(values)])
        self.play(LaggedStart(*[Write(d) for d in digits], lag_ratio=0.2))
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.lecture[2].set_color("#E63946")
        pointer = Arrow(start=DOWN, end=UP, color="#E63946").scale(0.5).next_to(indices[2], DOWN, buff=0.1)
        self.play(GrowArrow(pointer), cells[2].animate.set_fill("#E63946", opacity=0.3))
        self.wait(1)
