# Critic corpus: t04 overlap: a label on a shape's edge (TeachingScene)
# A label meant to sit beside a circle is placed on its rim.
# expect: overlap 20 block=1
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A circle is all points at distance r", "Its area is pi r squared"]


class CircleScene(TeachingScene):
    def construct(self):
        self.setup_lecture("The circle", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(radius=1.3, color=TEAL)
        self.place_at_grid(circle, "C3")
        radius = Line(circle.get_center(), circle.get_right(), color=YELLOW)
        name = Text("radius r", font_size=28)
        name.move_to(circle.get_right())
        self.play(Create(circle), Create(radius), FadeIn(name), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        area = MathTex(r"A = \pi r^2")
        self.place_at_grid(area, "C6")
        self.play(Write(area), run_time=1)
        self.wait(2)
