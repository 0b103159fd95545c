# Critic corpus: w26 clean: a number line, labels above it, a dot that later blocks move along it (TeachingScene)
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Numbers sit on a line", "Adding 3 moves right", "Taking 5 moves left"]


class NumberLineScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Adding on a number line", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        line = NumberLine(x_range=[-4, 4, 1], length=7, include_numbers=True, font_size=28)
        self.place_in_area(line, "C1", "C6")
        marker = Dot(line.n2p(-1), color=YELLOW, radius=0.12)
        start = Text("start", font_size=22, color=YELLOW).next_to(marker, UL, buff=0.15)
        self.play(Create(line), FadeIn(marker), Write(start), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        hop = CurvedArrow(line.n2p(-1) + UP * 0.3, line.n2p(2) + UP * 0.3, angle=-PI / 2, color=GREEN)
        plus = MathTex("+3", color=GREEN).next_to(hop, UP, buff=0.1)
        self.play(Create(hop), Write(plus), marker.animate.move_to(line.n2p(2)), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        self.play(FadeOut(hop), FadeOut(plus), FadeOut(start), run_time=0.5)
        self.play(marker.animate.move_to(line.n2p(-3)), run_time=1)
        self.wait(1)
