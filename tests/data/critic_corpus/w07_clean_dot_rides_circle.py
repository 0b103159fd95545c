# Critic corpus: w07 clean: a dot riding a circle, its radius labelled inside it in a later block (paper style)
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


class CircleMotionScene(TeachingScene):
    def construct(self):
        self.setup_layout("Uniform circular motion", ["- A point moves on a circle", "- Its distance to the centre is r", "- It keeps going round"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#FFD166")
        wheel = Circle(radius=1.4, color="#FFD166")
        self.place_in_area(wheel, "B2", "D4")
        rider = Dot(wheel.point_at_angle(0), color="#EF476F", radius=0.1)
        self.play(Create(wheel), FadeIn(rider))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#06D6A0")
        center = Dot(wheel.get_center(), color=WHITE, radius=0.05)
        radius = Line(wheel.get_center(), rider.get_center(), color="#06D6A0")
        r_label = Text("r", font_size=26, color="#06D6A0").next_to(radius, UP, buff=0.1)
        self.play(FadeIn(center), Create(radius), Write(r_label))
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.lecture[2].set_color("#118AB2")
        self.play(FadeOut(radius), FadeOut(r_label))
        self.play(MoveAlongPath(rider, wheel), run_time=2)
        self.wait(1)
