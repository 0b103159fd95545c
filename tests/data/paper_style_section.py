# A section file in the style of the Code2Video paper: self-contained, with its own
# TeachingScene base inline (no code2video_nb import). It must render unchanged:
#   manim -ql paper_style_section.py Section2Scene
from manim import *


class TeachingScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        # Title on top, lecture lines on the left, a 6x6 anchor grid on the right.
        self.title = Text(title_text, font_size=32, color=WHITE).to_edge(UP, buff=0.3)
        self.add(self.title)

        lecture_texts = [Text(line, font_size=22, color=GRAY_B) for line in lecture_lines]
        self.lecture = VGroup(*lecture_texts).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.lecture.to_edge(LEFT, buff=0.3).shift(UP * 1.5)
        self.add(self.lecture)

        self.grid = {}
        rows = ["A", "B", "C", "D", "E", "F"]
        left, right, top, bottom = -2.0, 6.8, 2.9, -3.7
        cell_w, cell_h = (right - left) / 6, (top - bottom) / 6
        for i, row in enumerate(rows):
            for j in range(6):
                x = left + (j + 0.5) * cell_w
                y = top - (i + 0.5) * cell_h
                self.grid[f"{row}{j + 1}"] = np.array([x, y, 0])
        self.cell_size = (cell_w, cell_h)

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject

    def place_in_area(self, mobject, top_left, bottom_right, scale_factor=1.0):
        a, b = self.grid[top_left], self.grid[bottom_right]
        width = abs(b[0] - a[0]) + self.cell_size[0]
        height = abs(a[1] - b[1]) + self.cell_size[1]
        mobject.scale(min(width / mobject.width, height / mobject.height) * scale_factor)
        mobject.move_to((a + b) / 2)
        return mobject


class Section2Scene(TeachingScene):
    def construct(self):
        self.setup_layout(
            "Section 2: The Pythagorean Theorem",
            ["1. A right triangle", "2. The squares relation", "3. An example: 3, 4, 5"],
        )

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(YELLOW), run_time=0.3)
        triangle = Polygon(ORIGIN, RIGHT * 3, RIGHT * 3 + UP * 2, color=BLUE)
        self.place_in_area(triangle, "A1", "C3", scale_factor=0.8)
        self.play(Create(triangle), run_time=0.7)

        # === Animation for Lecture Line 2 ===
        self.play(
            self.lecture[0].animate.set_color(GRAY_B),
            self.lecture[1].animate.set_color(YELLOW),
            run_time=0.3,
        )
        formula = MathTex(r"a^2 + b^2 = c^2")
        self.place_at_grid(formula, "B5", scale_factor=1.2)
        self.play(Write(formula), run_time=0.7)

        # === Animation for Lecture Line 3 ===
        self.play(
            self.lecture[1].animate.set_color(GRAY_B),
            self.lecture[2].animate.set_color(YELLOW),
            run_time=0.3,
        )
        example = MathTex(r"3^2 + 4^2 = 5^2")
        self.place_at_grid(example, "E4", scale_factor=1.0)
        self.play(FadeIn(example), run_time=0.7)
        self.wait(0.5)
