# fix corpus: wrong keyword
# bug: lines 21-21, block 2
# fix:         axes = Axes(x_range=[0, 4], y_range=[0, 4], x_length=3, y_length=3)
# fact: y_length
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class KwAxesYLenghtScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Kw axes y lenght", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        axes = Axes(x_range=[0, 4], y_range=[0, 4], x_length=3, y_lenght=3)
        self.place_at_grid(axes, "C5")
        self.play(Create(axes), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
