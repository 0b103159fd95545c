from manim import *


class TeachingScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        self.title = Text(title_text, font_size=30).to_edge(UP, buff=0.3)
        self.lecture = VGroup(*[Text(t, font_size=20, color=GRAY_B) for t in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.35).to_edge(LEFT, buff=0.4).shift(UP * 1.2)
        self.add(self.title, self.lecture)
        self.grid = {}
        left, top, width, height = -1.8, 2.8, 8.4, 6.2
        for i, row in enumerate("ABCDEF"):
            for j in range(6):
                self.grid[f"{row}{j + 1}"] = np.array([left + (j + 0.5) * width / 6, top - (i + 0.5) * height / 6, 0])

    def place_at_grid(self, mobject, cell, scale_factor=1.0):
        mobject.scale(scale_factor).move_to(self.grid[cell])
        return mobject


class Section3Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Energy", ["1. The Sun gives light", "2. Plants store it"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(YELLOW), run_time=0.3)
        sun_path = "@MISSING@/icon/sun.svg"
        sun = SVGMobject(sun_path).scale(0.8)
        self.place_at_grid(sun, "B2")
        self.play(FadeIn(sun), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[0].animate.set_color(GRAY_B), self.lecture[1].animate.set_color(YELLOW),
                  run_time=0.3)
        leaf = ImageMobject("@MISSING@/photo/leaf.png")
        self.place_at_grid(leaf, "D4")
        self.play(FadeIn(leaf), run_time=0.5)
        self.wait(0.4)
