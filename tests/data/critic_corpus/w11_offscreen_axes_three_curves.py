# Critic corpus: w11 offscreen: axes too wide for the grid, three curves plotted on them (paper style)
# One root cause: the axes. The curves follow them and are not reported on their own.
# expect: offscreen 42 block=1
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


class GrowthScene(TeachingScene):
    def construct(self):
        self.setup_layout("How functions grow", ["- Axes for x from 0 to 10", "- Linear, square root and log"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#F4A261")
        axes = Axes(x_range=[0, 10, 1], y_range=[0, 5, 1], x_length=9, y_length=4,
                    axis_config={"include_numbers": True, "font_size": 20})
        self.place_in_area(axes, "B2", "E5")
        self.play(Create(axes))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#2A9D8F")
        linear = axes.plot(lambda x: 0.45 * x, color="#2A9D8F")
        root = axes.plot(lambda x: 1.5 * np.sqrt(x), color="#E9C46A")
        log_curve = axes.plot(lambda x: 1.8 * np.log(x + 1), color="#E76F51")
        self.play(Create(linear), Create(root), Create(log_curve))
        self.wait(1)
