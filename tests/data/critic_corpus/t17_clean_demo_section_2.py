# Critic corpus: demo section 2: the bundled demo lecture's section 2 (TeachingScene)
# Clean: generated-style code as the demo lecture ships it (a number line with an arrow on it, formulas in free cells).
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = [
    "An eigenvector is only stretched or squished",
    "The stretch factor is its eigenvalue",
    "Find them by solving det(A - λI) = 0",
]


class Section2Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Eigenvalues: the stretch factor", LECTURE_LINES)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        axis = NumberLine(x_range=[0, 4, 1], length=6, include_numbers=True, font_size=24)
        self.place_at_grid(axis, "D4")
        v = Arrow(axis.n2p(0), axis.n2p(1), buff=0, color=GREEN)
        self.play(Create(axis), GrowArrow(v), run_time=1)
        self.play(v.animate.put_start_and_end_on(axis.n2p(0), axis.n2p(3)), run_time=1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        equation = MathTex(r"A\vec{v} = \lambda \vec{v}").scale(1.1)
        self.place_at_grid(equation, "B4")
        lam = MathTex(r"\lambda = 3", color=YELLOW).scale(0.9)
        self.place_at_grid(lam, "C4")
        self.play(Write(equation), run_time=1)
        self.play(FadeIn(lam, shift=DOWN * 0.3), run_time=0.6)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        det = MathTex(r"\det(A - \lambda I) = (3-\lambda)(2-\lambda) = 0").scale(0.7)
        self.place_at_grid(det, "E4")
        self.play(Write(det), run_time=1.2)
        self.wait(1)
