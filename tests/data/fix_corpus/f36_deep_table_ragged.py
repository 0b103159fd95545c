# fix corpus: deep in manim
# bug: lines 21-21, block 2
# fix:         table = Table([["1", "2"], ["3", "4"]])
# fact: Table
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class DeepTableRaggedScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Deep table ragged", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        table = Table([["1", "2"], ["3"]])
        table.scale(0.4)
        self.place_at_grid(table, "C5")
        self.play(FadeIn(table), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
