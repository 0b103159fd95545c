# Critic corpus: w13 overlap: a caption struck through by a diagonal arrow (paper style)
# expect: overlap 50 block=2
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


class SunlightScene(TeachingScene):
    def construct(self):
        self.setup_layout("Sunlight takes time", ["- The sun and the earth", "- Light needs eight minutes"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#8ECAE6")
        sun = Circle(radius=0.5, color=YELLOW, fill_opacity=0.8)
        self.place_at_grid(sun, "A5")
        earth = Circle(radius=0.3, color=BLUE, fill_opacity=0.8)
        self.place_at_grid(earth, "E2")
        self.play(FadeIn(sun), FadeIn(earth))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#FFB703")
        ray = Arrow(sun.get_center(), earth.get_center(), buff=0.5, color="#FFB703")
        caption = Text("8 light-minutes", font_size=24, color="#FFB703")
        self.place_at_grid(caption, "C3")
        self.play(GrowArrow(ray), Write(caption))
        self.wait(1)
