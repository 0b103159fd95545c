from manim import *


class TeachingScene(Scene):
    """A variant base: an 8x8 grid (rows A-H), cells named the same way."""

    def setup_layout(self, title_text, lecture_lines):
        self.title = Text(title_text, font_size=30).to_edge(UP, buff=0.3)
        self.lecture = VGroup(*[Text(t, font_size=20, color=GRAY_B) for t in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.35).to_edge(LEFT, buff=0.4).shift(UP * 1.2)
        self.add(self.title, self.lecture)
        self.grid = {}
        left, top, size = -1.6, 2.9, 0.8
        for i, row in enumerate("ABCDEFGH"):
            for j in range(8):
                self.grid[f"{row}{j + 1}"] = np.array([left + (j + 0.5) * size, top - (i + 0.5) * size, 0])
        self.cell_size = (size, size)

    def place_at_grid(self, mobject, cell, scale_factor=1.0):
        mobject.scale(scale_factor).move_to(self.grid[cell])
        return mobject


class Section4Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Light bulbs", ["1. Current heats a filament", "2. The hot filament glows"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(YELLOW), run_time=0.3)
        bulb = SVGMobject("@PICTURES@/icon/bulb.svg").scale(0.7)
        self.place_at_grid(bulb, "C3")
        self.play(FadeIn(bulb), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[0].animate.set_color(GRAY_B), self.lecture[1].animate.set_color(YELLOW),
                  run_time=0.3)
        glow = Circle(radius=0.5, color=YELLOW, fill_opacity=0.3)
        self.place_at_grid(glow, "G6")
        self.play(FadeIn(glow), run_time=0.5)
        self.wait(0.4)
