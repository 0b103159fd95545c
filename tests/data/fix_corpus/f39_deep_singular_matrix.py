# fix corpus: deep in numpy
# bug: lines 21-21, block 2
# fix:         inverse = np.linalg.inv(np.array([[1, 2], [3, 4]]))
# fact: Singular
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class DeepSingularMatrixScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Deep singular matrix", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        inverse = np.linalg.inv(np.array([[1, 2], [2, 4]]))
        entries = Matrix(np.round(inverse, 2))
        entries.scale(0.6)
        self.place_at_grid(entries, "C5")
        self.play(FadeIn(entries), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
