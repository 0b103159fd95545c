# A paper-style section in the shape the original Code2Video pipeline generates: its base class
# inline (title, lecture lines on the left, a grid of points one unit apart on the right, built from
# lists of row and column names; no cell size declared). Written for code2video_nb's tests.
from manim import *


class TeachingScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        self.camera.background_color = "#000000"
        self.title = Text(title_text, font_size=28, color=WHITE).to_edge(UP)
        self.add(self.title)
        entries = [Text(line, font_size=22, color=WHITE) for line in lecture_lines]
        self.lecture = VGroup(*entries).arrange(DOWN, aligned_edge=LEFT).scale(0.8)
        self.lecture.to_edge(LEFT, buff=0.2)
        self.add(self.lecture)
        self.grid = {}
        row_names = ["A", "B", "C", "D", "E", "F"]
        col_names = ["1", "2", "3", "4", "5", "6"]
        for i, row in enumerate(row_names):
            for j, col in enumerate(col_names):
                self.grid[row + col] = np.array([0.5 + j, 2.2 - i, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject

    def place_in_area(self, mobject, top_left, bottom_right, scale_factor=1.0):
        a, b = self.grid[top_left], self.grid[bottom_right]
        mobject.scale(scale_factor)
        mobject.move_to((a + b) / 2)
        return mobject


class PrimesScene(TeachingScene):
    def construct(self):
        self.setup_layout("Prime numbers", ["- What makes a number prime", "- Crossing out multiples"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color("#FFD966"), run_time=0.3)
        seven = Text("7 = 1 x 7", font_size=30, color="#FFD966")
        self.place_at_grid(seven, "B3")
        self.play(Write(seven), run_time=0.6)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[0].animate.set_color(WHITE), self.lecture[1].animate.set_color("#9FC5E8"),
                  run_time=0.3)
        self.play(FadeOut(seven), run_time=0.3)
        numbers = VGroup(*[Text(str(n), font_size=26) for n in range(2, 10)]).arrange(RIGHT, buff=0.35)
        self.place_in_area(numbers, "C1", "C6")
        self.play(FadeIn(numbers), run_time=0.5)
        self.play(numbers[2].animate.set_color(GRAY), numbers[4].animate.set_color(GRAY), run_time=0.4)
        self.wait(0.6)
