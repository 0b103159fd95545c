# Critic corpus: p11 clean: vectors and their labels on a number plane (paper style)
# The plane fills the grid; vectors, a dot and labels are drawn on it, labels kept apart.
# expect: none
from manim import *


class TeachingScene(Scene):
    """The Code2Video convention: title on top, lecture lines (self.lecture) on the left, and a
    6x6 anchor grid (self.grid: "A1".."F6" -> point) on the right."""

    def setup_layout(self, title, lecture_lines):
        self.title = Text(title, font_size=30).to_edge(UP, buff=0.3)
        self.lecture = VGroup(*[Text(line, font_size=20, color=GRAY_B) for line in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.35).to_corner(UL, buff=0.5).shift(DOWN * 0.9)
        self.add(self.title, self.lecture)
        self.grid = {}
        for i, row in enumerate("ABCDEF"):
            for j in range(6):
                self.grid[f"{row}{j + 1}"] = np.array([0.6 + 1.1 * j, 2.4 - 1.0 * i, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject

    def place_in_area(self, mobject, top_left, bottom_right, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to((self.grid[top_left] + self.grid[bottom_right]) / 2)
        return mobject

class Section11Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Linear combinations", ["Two basis vectors", "Combine them"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        plane = NumberPlane(x_range=[-3, 3, 1], y_range=[-2, 2, 1], x_length=6, y_length=4)
        self.place_in_area(plane, "A1", "F6")
        i_hat = Arrow(plane.c2p(0, 0), plane.c2p(1, 0), buff=0, color=GREEN)
        j_hat = Arrow(plane.c2p(0, 0), plane.c2p(0, 1), buff=0, color=RED)
        i_label = MathTex(r"\hat{\imath}", color=GREEN).next_to(i_hat, DOWN, buff=0.1)
        j_label = MathTex(r"\hat{\jmath}", color=RED).next_to(j_hat, LEFT, buff=0.1)
        self.play(Create(plane), GrowArrow(i_hat), GrowArrow(j_hat), Write(i_label), Write(j_label), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color(YELLOW)
        v = Arrow(plane.c2p(0, 0), plane.c2p(2, 1), buff=0, color=YELLOW)
        tip = Dot(plane.c2p(2, 1), color=YELLOW)
        v_label = MathTex(r"2\hat{\imath} + \hat{\jmath}", color=YELLOW).next_to(tip, UR, buff=0.1)
        self.play(GrowArrow(v), FadeIn(tip), Write(v_label), run_time=1)
        self.wait(2)
