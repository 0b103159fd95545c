# fix corpus: 2-D point
# bug: lines 21-21, block 2
# fix:         self.play(Rotate(circle, angle=PI / 2, about_point=ORIGIN), run_time=0.5)
# fact: [0, 0]
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class ShapeRotateAbout2DScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Shape rotate about 2d", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        self.play(Rotate(circle, angle=PI / 2, about_point=[0, 0]), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
