# fix corpus: wrong keyword
# bug: lines 28-28, block 3
# fix:         labels = axes.get_axis_labels(x_label="x", y_label="y")
# fact: y_label
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class KwAxisLabelsYLableScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Kw axis labels y lable", ["First idea", "Second idea", "Third idea"], animate=False)

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
        axes = Axes(x_range=[0, 4], y_range=[0, 4], x_length=3, y_length=3)
        labels = axes.get_axis_labels(x_label="x", y_lable="y")
        self.play(Create(axes), FadeIn(labels), run_time=0.5)
