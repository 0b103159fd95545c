# fix corpus: deep in manim
# bug: lines 27-27, block 3
# fix:         value = DecimalNumber(3.14, num_decimal_places=2)
# fact: DecimalNumber
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class DeepDecimalStringScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Deep decimal string", ["First idea", "Second idea", "Third idea"], animate=False)

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
        value = DecimalNumber("3.14", num_decimal_places=2)
        self.place_at_grid(value, "E3")
        self.play(FadeIn(value), run_time=0.5)
