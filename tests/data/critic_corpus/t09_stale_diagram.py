# Critic corpus: t09 stale overlap: a new diagram over an old one (TeachingScene)
# Block 2 draws its square in the area of block 1's triangle, which is still there.
# expect: stale_overlap 24 block=2
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A triangle's angles sum to 180 degrees", "A square's angles sum to 360 degrees"]


class AnglesScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Angles in polygons", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        triangle = Triangle(color=BLUE).scale(1.6)
        self.place_in_area(triangle, "A2", "C4")
        self.play(Create(triangle), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        square = Square(side_length=2.6, color=GREEN)
        self.place_in_area(square, "A2", "C4")
        total = MathTex(r"4 \times 90^\circ = 360^\circ")
        self.place_at_grid(total, "E3")
        self.play(Create(square), Write(total), run_time=1)
        self.wait(2)
