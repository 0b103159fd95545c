# Critic corpus: t15 clean: motion (TeachingScene)
# A car drives across and leaves the frame, a shape morphs in place, a dot moves along a line.
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Motion along a road", "A square becomes a circle"]


class MotionScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Describing motion", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        road = Line(LEFT * 3.5, RIGHT * 3.5, color=GRAY)
        self.place_at_grid(road, "E4")
        car = Square(side_length=0.5, color=RED, fill_opacity=1).next_to(road.get_start(), UP, buff=0.05)
        self.play(Create(road), FadeIn(car), run_time=1)
        self.play(car.animate.shift(RIGHT * 12), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        shape = Square(side_length=1.6, color=BLUE)
        self.place_at_grid(shape, "B4")
        self.play(Create(shape), run_time=1)
        self.play(Transform(shape, Circle(radius=0.8, color=GREEN).move_to(shape)), run_time=1)
        name = Text("same area?", font_size=26).next_to(shape, DOWN, buff=0.3)
        self.play(FadeIn(name), run_time=1)
        self.wait(2)
