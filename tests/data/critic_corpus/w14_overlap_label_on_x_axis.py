# Critic corpus: w14 overlap: a label put in an area that the x-axis line runs through (TeachingScene)
# expect: overlap 24 block=2
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["The sine wave repeats", "One period is 2 pi long"]


class PeriodScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Periodic functions", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        axes = Axes(x_range=[0, 7, 1], y_range=[-2, 2, 1], x_length=6.5, y_length=3.5)
        self.place_in_area(axes, "B2", "E5")
        wave = axes.plot(lambda x: 1.5 * np.sin(x), color=BLUE)
        self.play(Create(axes), Create(wave), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        period = Text("one period", font_size=24, color=YELLOW)
        self.place_in_area(period, "C4", "D5")
        self.play(Write(period), run_time=1)
        self.wait(1)
