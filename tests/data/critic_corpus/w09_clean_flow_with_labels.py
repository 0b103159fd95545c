# Critic corpus: w09 clean: a flow built over two blocks, a label above each arrow (paper style)
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


class PipelineScene(TeachingScene):
    def construct(self):
        self.setup_layout("From source to program", ["- The compiler reads source", "- It writes machine code"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#CDB4DB")
        source = RoundedRectangle(width=1.6, height=0.9, corner_radius=0.15, color="#CDB4DB")
        self.place_at_grid(source, "B1")
        source_text = Text("source", font_size=22).move_to(source)
        compiler = Rectangle(width=1.6, height=0.9, color="#FFC8DD")
        self.place_at_grid(compiler, "B4")
        compiler_text = Text("compiler", font_size=22).move_to(compiler)
        reads = Arrow(source.get_right(), compiler.get_left(), buff=0.1)
        reads_label = Text("reads", font_size=20).next_to(reads, UP, buff=0.1)
        self.play(Create(source), Write(source_text), Create(compiler), Write(compiler_text))
        self.play(GrowArrow(reads), FadeIn(reads_label))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#BDE0FE")
        binary = Rectangle(width=2.3, height=0.9, color="#BDE0FE")
        self.place_at_grid(binary, "E4")
        binary_text = Text("machine code", font_size=20).move_to(binary)
        writes = Arrow(compiler.get_bottom(), binary.get_top(), buff=0.1)
        writes_label = Text("writes", font_size=20).next_to(writes, RIGHT, buff=0.1)
        self.play(GrowArrow(writes), FadeIn(writes_label), Create(binary), Write(binary_text))
        self.wait(1)
