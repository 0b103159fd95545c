# Critic corpus: w15 overlap: a diagonal arrow aimed at a grid point, its head inside the label put there (paper style)
# expect: overlap 43 block=1
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


class FunctionMachineScene(TeachingScene):
    def construct(self):
        self.setup_layout("A function is a machine", ["- An input goes in, an output comes out"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#B5E48C")
        box_in = Rectangle(width=1.6, height=0.9, color="#B5E48C")
        self.place_at_grid(box_in, "D1")
        box_label = Text("input", font_size=24).move_to(box_in)
        step = Text("square it", font_size=26, color="#B5E48C")
        self.place_at_grid(step, "A4")
        push = Arrow(box_in.get_top(), self.grid["A4"], buff=0.1, color="#B5E48C")
        self.play(Create(box_in), Write(box_label), Write(step))
        self.play(GrowArrow(push))
        self.wait(1)
