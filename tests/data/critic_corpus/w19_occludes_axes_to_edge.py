# Critic corpus: w19 occludes the lecture: axes pushed to the left edge and below the frame (paper style)
# expect: occludes_lecture 40 block=1
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


class SpeedScene(TeachingScene):
    def construct(self):
        self.setup_layout("Distance and time", ["- Distance grows with time", "- The slope is the speed"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#FFADAD")
        axes = Axes(x_range=[0, 8, 1], y_range=[0, 6, 1], x_length=9, y_length=7)
        axes.to_edge(LEFT).shift(DOWN * 0.8)
        path = axes.plot(lambda t: 0.7 * t, color="#FFADAD")
        self.play(Create(axes), Create(path))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#FFD6A5")
        self.wait(1)
