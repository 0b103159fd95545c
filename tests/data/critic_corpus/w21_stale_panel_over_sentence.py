# Critic corpus: w21 stale overlap: an opaque panel drawn over the previous block's sentence (paper style)
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


class LightScene(TeachingScene):
    def construct(self):
        self.setup_layout("The speed of light", ["- Light is fast", "- Nothing with mass reaches it"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#FDFFB6")
        fact = Text("300 000 km every second", font_size=26, color="#FDFFB6")
        self.place_at_grid(fact, "C3")
        self.play(Write(fact))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#9BF6FF")
        panel = Rectangle(width=5.2, height=3.2, color="#9BF6FF", fill_color="#1D3557", fill_opacity=0.95)
        self.place_in_area(panel, "B1", "E6")
        self.play(FadeIn(panel))
        self.wait(1)
