# A paper-style section with a finer grid: an inline base class of its own name laying out an 8x8
# grid (rows A-H, columns 1-8) of 0.8 x 0.7 cells, title and lecture lines passed as keywords.
# Written for code2video_nb's tests.
from manim import *


class GridLesson(Scene):
    def setup_layout(self, title_text="", lecture_lines=()):
        self.title = Text(title_text, font_size=30).to_edge(UP, buff=0.2)
        self.lecture = VGroup(*[Text(t, font_size=20) for t in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.3).to_edge(LEFT, buff=0.3)
        self.add(self.title, self.lecture)
        self.cell_size = (0.8, 0.7)
        self.grid = {}
        for i, row in enumerate("ABCDEFGH"):
            for j in range(8):
                self.grid[f"{row}{j + 1}"] = np.array([0.5 + 0.8 * j, 2.75 - 0.7 * i, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject


class KnightScene(GridLesson):
    def construct(self):
        self.setup_layout(title_text="How a knight moves", lecture_lines=["The knight jumps in an L"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(GREEN), run_time=0.3)
        knight = Circle(radius=0.25, color=GREEN, fill_opacity=0.8)
        self.place_at_grid(knight, "D4")
        target = Square(side_length=0.5, color=YELLOW)
        self.place_at_grid(target, "F5")
        self.play(FadeIn(knight), Create(target), run_time=0.5)
        note = Text("two down, one right", font_size=22)
        self.place_at_grid(note, "H8")
        self.play(Write(note), run_time=0.5)
        self.play(knight.animate.move_to(self.grid["F5"]), run_time=0.6)
        self.wait(0.4)
