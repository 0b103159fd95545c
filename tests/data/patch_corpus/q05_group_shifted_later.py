# Patch corpus: q05 a part of a group that a later block moves (TeachingScene)
# Block 2 writes its result over block 1's first term, which belongs to a group that block 3
# shifts: fading the term out would bring it back in block 3.
# naive: fade first before 28
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Two terms", "Their sum", "Both move aside"]


class TermsScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Adding terms", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        first = MathTex("3x")
        second = MathTex("+\\ 4x")
        terms = VGroup(first, second).arrange(RIGHT)
        self.place_at_grid(terms, "B3")
        self.play(Write(terms), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        total = MathTex("= 7x")
        self.place_at_grid(total, "B3")
        self.play(Write(total), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        self.play(terms.animate.shift(DOWN * 2), run_time=1)
        self.wait(1)
