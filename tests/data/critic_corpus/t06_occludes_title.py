# Critic corpus: t06 occludes the title (TeachingScene)
# A caption put at the top edge of the frame lands on the title.
# expect: occludes_lecture 24 block=2
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A prime has exactly two divisors", "There are infinitely many primes"]


class PrimesScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Prime numbers", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        primes = MathTex("2, 3, 5, 7, 11, 13, \\dots")
        self.place_at_grid(primes, "B4")
        self.play(Write(primes), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        caption = Text("Euclid, around 300 BC", font_size=30, color=YELLOW)
        caption.to_edge(UP, buff=0.4).shift(RIGHT * 2)
        self.play(FadeIn(caption), run_time=1)
        self.wait(2)
