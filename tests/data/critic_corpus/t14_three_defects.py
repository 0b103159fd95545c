# Critic corpus: t14 three defects in one section (TeachingScene)
# A tiny unit label, a label written onto its chart's edge, and a block that writes where block 1's formula still is.
# expect: too_small 20 block=1
# expect: overlap 30 block=2
# expect: stale_overlap 37 block=3
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Speed is distance over time", "Read it off a graph", "Acceleration changes speed"]


class SpeedScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Speed and acceleration", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        speed = MathTex(r"v = \frac{d}{t}", font_size=56)
        self.place_at_grid(speed, "B3")
        units = Text("metres per second", font_size=10).next_to(speed, DOWN, buff=0.2)
        self.play(Write(speed), FadeIn(units), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        chart = Rectangle(width=3.0, height=2.2, color=BLUE)
        self.place_in_area(chart, "C4", "D6")
        line = Line(chart.get_corner(DL), chart.get_corner(UR), color=YELLOW)
        slope = Text("slope = speed", font_size=26)
        slope.move_to(chart.get_top())
        self.play(Create(chart), Create(line), FadeIn(slope), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        accel = MathTex(r"a = \frac{\Delta v}{\Delta t}", font_size=56)
        self.place_at_grid(accel, "B3")
        self.play(Write(accel), run_time=1)
        self.wait(2)
