# Critic corpus: w24 clean: labels beside arrows, axis labels, a graph label and a label left of the y-axis (TeachingScene)
# None is crossed by a line: the strike rule stays quiet.
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Speed is distance over time", "The graph's slope is the speed"]


class SlopeScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Reading a slope", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        formula = MathTex(r"v = \frac{d}{t}", font_size=40)
        self.place_at_grid(formula, "A2")
        note = Text("speed", font_size=24, color=YELLOW)
        self.place_at_grid(note, "A5")
        pointer = Arrow(note.get_left(), formula.get_right(), buff=0.2, color=YELLOW)
        self.play(Write(formula), FadeIn(note), GrowArrow(pointer), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        axes = Axes(x_range=[0, 5, 1], y_range=[0, 10, 2], x_length=5, y_length=3.2)
        self.place_in_area(axes, "C2", "E5")
        names = axes.get_axis_labels(MathTex("t"), MathTex("d"))
        line = axes.plot(lambda t: 1.8 * t, color=BLUE)
        line_label = axes.get_graph_label(line, "d = 1.8t", x_val=3, direction=UL)
        origin_name = MathTex("0", font_size=30).next_to(axes.c2p(0, 0), DL, buff=0.15)
        self.play(Create(axes), Write(names), Create(line), Write(line_label), Write(origin_name), run_time=1)
        self.wait(1)
