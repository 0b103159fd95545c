# Patch corpus: q01 a dot riding a circle (TeachingScene)
# Block 2 writes a formula over the circle while the dot, moved by its updater, keeps riding it:
# fading the circle out would leave the dot circling nothing.
# naive: fade circle before 30
# naive: move law to F6 at 29
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A point moves on a circle", "Its angle grows steadily"]


class RideScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Circular motion", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(radius=1.2, color=BLUE)
        self.place_at_grid(circle, "C4")
        angle = ValueTracker(0)
        dot = Dot(color=YELLOW)
        dot.add_updater(lambda d: d.move_to(circle.point_at_angle(angle.get_value())))
        self.play(Create(circle), FadeIn(dot), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        law = MathTex(r"\theta(t) = \omega t")
        law.move_to(circle.get_center())
        self.play(Write(law), run_time=1)
        self.play(angle.animate.set_value(2 * PI), run_time=2)
        self.wait(1)
