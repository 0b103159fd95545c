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

    def place_in_area(self, mobject, top_left, bottom_right, scale_factor=1.0):
        a, b = self.grid[top_left], self.grid[bottom_right]
        mobject.scale_to_fit_width(abs(b[0] - a[0]) + 1.4).scale(scale_factor).move_to((a + b) / 2)
        return mobject


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Atoms", ["1. Matter is made of atoms", "2. A nucleus and electrons"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(YELLOW), run_time=0.3)
        atom = SVGMobject("@PICTURES@/icon/atom.svg")
        self.place_at_grid(atom, "B3", scale_factor=0.8)
        self.play(FadeIn(atom), run_time=0.6)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[0].animate.set_color(GRAY_B), self.lecture[1].animate.set_color(YELLOW),
                  run_time=0.3)
        nucleus = Dot(color=RED).scale(2)
        self.place_at_grid(nucleus, "D5")
        self.play(GrowFromCenter(nucleus), run_time=0.5)
        self.wait(0.4)
