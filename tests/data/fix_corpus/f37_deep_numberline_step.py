# fix corpus: deep in numpy
# bug: lines 15-15, block 1
# fix:         line = NumberLine(x_range=[0, 10, 1], length=4)
# fact: x_range
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class DeepNumberlineStepScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Deep numberline step", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        line = NumberLine(x_range=[0, 10, 0], length=4)
        self.place_at_grid(line, "B2")
        self.play(Create(line), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        square = Square(side_length=1.5, color=GREEN)
        self.place_at_grid(square, "B5")
        self.play(FadeIn(square), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
