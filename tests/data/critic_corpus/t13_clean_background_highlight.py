# Critic corpus: t13 clean: a formula on its background rectangle, a highlight box added later, a grouped diagram (TeachingScene)
# Containment by design, across blocks too; parts of one group sit close together.
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Euler's identity joins five constants", "Look at the exponent", "It lives on the unit circle"]


class EulerScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Euler's identity", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        identity = MathTex(r"e^{i\pi} + 1 = 0", font_size=60)
        self.place_at_grid(identity, "B4")
        backdrop = BackgroundRectangle(identity, color=DARK_BLUE, fill_opacity=0.8, buff=0.2)
        self.play(FadeIn(backdrop), Write(identity), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        highlight = SurroundingRectangle(identity, color=YELLOW, buff=0.15)
        self.play(Create(highlight), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        circle = Circle(radius=1.0, color=BLUE)
        point = Dot(circle.point_at_angle(PI), color=RED)
        tag = MathTex("-1", font_size=36).next_to(point, LEFT, buff=0.15)
        unit = VGroup(circle, point, tag)
        self.place_in_area(unit, "D3", "F5")
        self.play(Create(circle), FadeIn(point), Write(tag), run_time=1)
        self.wait(2)
