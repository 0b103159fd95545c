# Critic corpus: w06 clean: slots drawn in a later block around values already on screen (TeachingScene)
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A stack keeps values in order", "Each value sits in a slot", "Push puts a new one on top"]


class StackScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Stacks", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        numbers = VGroup(*[MathTex(str(v)) for v in (3, 8, 5)]).arrange(UP, buff=0.5)
        self.place_in_area(numbers, "C3", "E3")
        self.play(Write(numbers), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        slots = VGroup(*[Rectangle(width=1.2, height=0.7, color=TEAL).move_to(n) for n in numbers])
        self.play(Create(slots), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        top = MathTex("6").next_to(numbers, UP, buff=0.5)
        slot = Rectangle(width=1.2, height=0.7, color=TEAL).move_to(top)
        self.play(FadeIn(top, shift=DOWN), Create(slot), run_time=1)
        self.wait(1)
