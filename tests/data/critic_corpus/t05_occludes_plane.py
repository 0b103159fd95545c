# Critic corpus: t05 occludes the lecture: a plane left at the frame's centre (TeachingScene)
# A number plane sized by hand but never placed on the grid covers the lecture lines.
# expect: occludes_lecture 16 block=1
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Vectors live in the plane", "Adding vectors tip to tail"]


class VectorScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Vectors in the plane", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        plane = NumberPlane(x_range=[-5, 5, 1], y_range=[-3, 3, 1], x_length=9, y_length=5.4)
        self.play(Create(plane), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        u = Arrow(plane.c2p(0, 0), plane.c2p(2, 1), buff=0, color=YELLOW)
        v = Arrow(plane.c2p(2, 1), plane.c2p(3, 3), buff=0, color=GREEN)
        self.play(GrowArrow(u), GrowArrow(v), run_time=1)
        self.wait(2)
