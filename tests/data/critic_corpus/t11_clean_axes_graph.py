# Critic corpus: t11 clean: a graph on axes with axis labels, a dot on the curve and its label (TeachingScene)
# Everything drawn on a coordinate system is intended.
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["The parabola y = x squared", "Its lowest point is the vertex"]


class ParabolaScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Parabolas", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        axes = Axes(x_range=[-3, 3, 1], y_range=[0, 9, 3], x_length=6, y_length=4.2,
                    axis_config={"include_numbers": True, "font_size": 24})
        self.place_in_area(axes, "A1", "E6")
        labels = axes.get_axis_labels(MathTex("x"), MathTex("y"))
        graph = axes.plot(lambda t: t ** 2, color=YELLOW)
        graph_label = axes.get_graph_label(graph, "y = x^2", x_val=2.2)
        self.play(Create(axes), Write(labels), Create(graph), FadeIn(graph_label), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        vertex = Dot(axes.c2p(0, 0), color=RED)
        vertex_label = MathTex("(0, 0)", font_size=30).next_to(vertex, UR, buff=0.1)
        self.play(FadeIn(vertex), Write(vertex_label), run_time=1)
        self.wait(2)
