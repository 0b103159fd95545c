# fix corpus: 2-D points
# bug: lines 21-21, block 2
# fix:         triangle = Polygon([0, 0, 0], [2, 0, 0], [1, 1, 0], color=ORANGE)
# fact: [0, 0]
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class ShapePolygon2DScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Shape polygon 2d", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        triangle = Polygon([0, 0], [2, 0], [1, 1], color=ORANGE)
        self.place_at_grid(triangle, "C5")
        self.play(Create(triangle), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
