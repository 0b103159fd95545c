# fix corpus: deep in manim
# bug: lines 22-22, block 2
# fix:         group = VGroup(square, Text("label", font_size=24))
# fact: VMobject
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class DeepVgroupStringScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Deep vgroup string", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        square = Square(side_length=1.0, color=GREEN)
        group = VGroup(square, "label")
        group.arrange(RIGHT)
        self.place_at_grid(group, "B5")
        self.play(FadeIn(group), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
