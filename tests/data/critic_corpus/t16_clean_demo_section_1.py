# Critic corpus: demo section 1: the bundled demo lecture's section 1 (TeachingScene)
# Clean: generated-style code as the demo lecture ships it (a plane with a matrix and arrows on it).
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = [
    "A matrix moves every vector in the plane",
    "Most vectors are knocked off their line",
    "Eigenvectors stay on their own line",
]


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("What is an eigenvector?", LECTURE_LINES)
        plane = NumberPlane(x_range=[-4, 4, 1], y_range=[-3, 3, 1],
                            background_line_style={"stroke_opacity": 0.4})
        self.place_in_area(plane, "A1", "F6", scale_factor=0.95)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        self.play(Create(plane), run_time=1)
        matrix = MathTex(r"A = \begin{bmatrix} 3 & 1 \\ 0 & 2 \end{bmatrix}").scale(0.7)
        self.place_at_grid(matrix, "F5")
        self.play(Write(matrix), run_time=0.8)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        origin = plane.c2p(0, 0)
        v = Arrow(origin, plane.c2p(1, 1), buff=0, color=RED)
        span = DashedLine(plane.c2p(-3, -3), plane.c2p(3, 3), color=RED, stroke_opacity=0.5)
        self.play(GrowArrow(v), Create(span), run_time=0.8)
        self.play(v.animate.put_start_and_end_on(origin, plane.c2p(4, 2)), run_time=1)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        e = Arrow(origin, plane.c2p(1, 0), buff=0, color=GREEN)
        self.play(GrowArrow(e), run_time=0.6)
        self.play(e.animate.put_start_and_end_on(origin, plane.c2p(3, 0)), run_time=1)
        self.wait(1)
