# fix corpus: bad LaTeX
# bug: lines 21-21, block 2
# fix:         matrix = MathTex(r"\begin{pmatrix} 1 & 2 \end{pmatrix}")
# fact: pmatrix
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class LatexEnvMismatchScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Latex env mismatch", ["First idea", "Second idea", "Third idea"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        matrix = MathTex(r"\begin{matrix} 1 & 2 \end{pmatrix}")
        self.place_at_grid(matrix, "C5")
        self.play(Write(matrix), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
