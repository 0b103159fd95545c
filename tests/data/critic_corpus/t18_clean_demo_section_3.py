# Critic corpus: demo section 3: the bundled demo lecture's section 3 (TeachingScene)
# Clean: generated-style code as the demo lecture ships it (basis arrows with their labels, formulas in free cells).
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = [
    "Use eigenvectors as the new basis",
    "In that basis the matrix is diagonal",
    "Powers of A become easy to compute",
]


class Section3Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Eigenbasis: a basis of eigenvectors", LECTURE_LINES)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        b1 = Arrow(ORIGIN, RIGHT * 1.5, buff=0, color=GREEN)
        b2 = Arrow(ORIGIN, (LEFT + UP) * 1.1, buff=0, color=BLUE)
        basis = VGroup(b1, b2)
        self.place_in_area(basis, "A1", "C3")
        labels = VGroup(Text("λ=3", font_size=24, color=GREEN).next_to(b1, DOWN, buff=0.1),
                        Text("λ=2", font_size=24, color=BLUE).next_to(b2, LEFT, buff=0.1))
        self.play(GrowArrow(b1), GrowArrow(b2), FadeIn(labels), run_time=1.2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        diag = MathTex(r"D = \begin{bmatrix} 3 & 0 \\ 0 & 2 \end{bmatrix}").scale(0.8)
        self.place_at_grid(diag, "B5")
        self.play(Write(diag), run_time=1)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        power = MathTex(r"A^{n} = P\,D^{n}P^{-1}").scale(0.9)
        self.place_at_grid(power, "E4")
        self.play(Write(power), run_time=1)
        self.play(Indicate(power), run_time=0.8)
        self.wait(1)
