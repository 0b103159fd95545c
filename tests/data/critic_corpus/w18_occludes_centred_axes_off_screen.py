# Critic corpus: w18 occludes the lecture: axes left at the centre, taller than the frame (TeachingScene)
# The axes run through the lecture column and off the top and bottom: one finding, the worse one.
# The curve drawn on them is the same cause.
# expect: occludes_lecture 17 block=1
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["The exponential grows fast", "Its inverse is the logarithm"]


class ExpScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Exponentials", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        axes = Axes(x_range=[-3, 3, 1], y_range=[-1, 8, 1], x_length=11, y_length=8.6)
        growth = axes.plot(lambda x: np.exp(x), x_range=[-3, 2], color=GREEN)
        self.play(Create(axes), Create(growth), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        self.wait(1)
