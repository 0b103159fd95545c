# fix corpus: positional in wrong parameter
# bug: lines 27-27, block 3
# fix:         line = Line(LEFT, RIGHT, color=YELLOW)
# fact: color
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class PosLineColorScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Pos line color", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        square = Square(side_length=1.5, color=GREEN)
        self.place_at_grid(square, "B5")
        self.play(FadeIn(square), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        line = Line(LEFT, RIGHT, YELLOW)
        self.place_at_grid(line, "E3")
        self.play(Create(line), run_time=0.5)
