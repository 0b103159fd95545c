# Critic corpus: w04 clean: two overlapping sets drawn in two blocks, shared members in the lens (TeachingScene)
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Odd numbers below 10", "Primes below 10", "3, 5 and 7 are both"]


class OddPrimeScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Odd numbers and primes", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        odd = Circle(radius=1.3, color=BLUE_C)
        self.place_at_grid(odd, "C3")
        odd_name = Text("odd", font_size=26, color=BLUE_C).next_to(odd, UP, buff=0.1)
        self.play(Create(odd), Write(odd_name), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        prime = Circle(radius=1.3, color=ORANGE)
        prime.move_to(odd.get_center() + RIGHT * 1.2)
        prime_name = Text("prime", font_size=26, color=ORANGE).next_to(prime, DOWN, buff=0.1)
        self.play(Create(prime), Write(prime_name), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        shared = MathTex("3\\;5\\;7", font_size=34).move_to(odd.get_center() + RIGHT * 0.6)
        self.play(Write(shared), run_time=1)
        self.wait(1)
