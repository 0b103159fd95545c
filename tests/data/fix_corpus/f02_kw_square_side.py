# fix corpus: wrong keyword
# bug: lines 21-21, block 2
# fix:         square = Square(side_length=1.5, color=GREEN)
# fact: side_length
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class KwSquareSideScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Kw square side", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        square = Square(side=1.5, color=GREEN)
        self.place_at_grid(square, "B5")
        self.play(FadeIn(square), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
