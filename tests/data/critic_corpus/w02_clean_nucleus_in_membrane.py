# Critic corpus: w02 clean: a part and its name added inside a shape from an earlier block (TeachingScene)
# The membrane comes first; the nucleus and its label are drawn inside it later.
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A cell is wrapped in a membrane", "Inside it sits the nucleus"]


class CellScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Inside a cell", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        membrane = Circle(radius=1.9, color=GREEN_C)
        self.place_in_area(membrane, "B2", "E5")
        self.play(Create(membrane), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        nucleus = Circle(radius=0.6, color=PURPLE_B, fill_opacity=0.4).move_to(membrane)
        name = Text("nucleus", font_size=24).next_to(nucleus, DOWN, buff=0.15)
        self.play(GrowFromCenter(nucleus), Write(name), run_time=1)
        self.wait(1)
