# fix corpus: 2-D points
# bug: lines 27-27, block 3
# fix:         curve = ParametricFunction(lambda t: [t, t * t, 0], t_range=[0, 1])
# fact: [t, t * t]
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class ShapeParametric2DScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Shape parametric 2d", ["First idea", "Second idea", "Third idea"], animate=False)

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
        curve = ParametricFunction(lambda t: [t, t * t], t_range=[0, 1])
        self.play(Create(curve), run_time=0.5)
