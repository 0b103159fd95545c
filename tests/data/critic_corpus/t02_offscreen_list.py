# Critic corpus: t02 offscreen list (TeachingScene)
# A bulleted list arranged downwards from a low cell runs off the bottom of the frame.
# expect: offscreen 21 block=1
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Three steps solve a linear system", "Check the answer"]


class StepsScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Gaussian elimination", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        steps = VGroup(
            Text("1. Write the augmented matrix", font_size=26),
            Text("2. Eliminate below each pivot", font_size=26),
            Text("3. Substitute back upwards", font_size=26),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        self.place_at_grid(steps, "F4")
        self.play(FadeIn(steps), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        check = MathTex(r"A\vec{x} = \vec{b}")
        self.place_at_grid(check, "B4")
        self.play(Write(check), run_time=1)
        self.wait(2)
