# Critic corpus: w01 clean: a label written in a later block inside a shape drawn earlier (paper style)
# Block 1 draws the memory as one large box; block 2 writes a value inside it. Containment, not clutter.
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


class MemoryScene(TeachingScene):
    def construct(self):
        self.setup_layout("How a computer stores data", ["- Memory is a long row of boxes", "- Each box holds one value"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color("#8ECAE6"))
        memory = Rectangle(width=4.2, height=2.4, color="#8ECAE6")
        self.place_in_area(memory, "B1", "D5")
        self.play(Create(memory))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[1].animate.set_color("#FFB703"))
        word = Text("value = 42", font_size=28, color="#FFB703")
        self.place_at_grid(word, "C3")
        self.play(Write(word))
        self.wait(1)
