# Critic corpus: w22 overlap: a name put on a circle's outline, which runs through it (TeachingScene)
# expect: overlap 18 block=1
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["The moon circles the earth"]


class MoonScene(TeachingScene):
    def construct(self):
        self.setup_lecture("The moon's orbit", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        orbit = Circle(radius=1.6, color=GREY_B)
        self.place_at_grid(orbit, "C4")
        earth = Dot(orbit.get_center(), radius=0.2, color=BLUE)
        name = Text("orbit of the moon", font_size=24).move_to(orbit.get_top())
        self.play(Create(orbit), FadeIn(earth), Write(name), run_time=1)
        self.wait(1)
