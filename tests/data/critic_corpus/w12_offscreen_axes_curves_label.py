# Critic corpus: w12 offscreen: axes reaching below the frame, two curves and a label on them (TeachingScene)
# One finding for the axes; the curves drawn on them are the same cause.
# expect: offscreen 17 block=1
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Parabolas open upwards", "Shifting moves the vertex"]


class ShiftScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Shifting a parabola", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        axes = Axes(x_range=[-4, 4, 1], y_range=[-2, 8, 2], x_length=7, y_length=5)
        self.place_at_grid(axes, "E4")
        self.play(Create(axes), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        base = axes.plot(lambda x: x ** 2 - 2, x_range=[-3, 3], color=BLUE)
        moved = axes.plot(lambda x: (x - 1) ** 2 - 2, x_range=[-2, 3.5], color=YELLOW)
        moved_label = axes.get_graph_label(moved, "(x-1)^2 - 2", x_val=3.2, direction=RIGHT)
        self.play(Create(base), Create(moved), Write(moved_label), run_time=1)
        self.wait(1)
