# fix corpus: 2-D point
# bug: lines 28-28, block 3
# fix:         label.move_to([3, -2, 0])
# fact: [3, -2]
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class ShapeMoveTo2DScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Shape move to 2d", ["First idea", "Second idea", "Third idea"], animate=False)

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
        label = Text("Shapes", font_size=28)
        label.move_to([3, -2])
        self.play(Write(label), run_time=0.5)
