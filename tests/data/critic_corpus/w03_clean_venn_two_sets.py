# Critic corpus: w03 clean: a Venn diagram built over three blocks (paper style)
# The second circle overlaps the first by design; the shared label sits inside both.
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


class SetsScene(TeachingScene):
    def construct(self):
        self.setup_layout("Sets and their overlap", ["- A: students who play chess", "- B: students who play go", "- Some play both"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#90E0EF")
        set_a = Circle(radius=1.5, color="#90E0EF", fill_opacity=0.25)
        self.place_at_grid(set_a, "C2")
        label_a = Text("A", font_size=32).move_to(set_a.get_center() + LEFT * 0.8)
        self.play(DrawBorderThenFill(set_a), Write(label_a))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#F4A261")
        set_b = Circle(radius=1.5, color="#F4A261", fill_opacity=0.25)
        self.place_at_grid(set_b, "C3")
        label_b = Text("B", font_size=32).move_to(set_b.get_center() + RIGHT * 0.8)
        self.play(DrawBorderThenFill(set_b), Write(label_b))
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.lecture[2].set_color("#E9C46A")
        both = Text("both", font_size=24, color="#E9C46A").move_to((set_a.get_center() + set_b.get_center()) / 2)
        self.play(FadeIn(both))
        self.wait(1)
