# fix corpus: wrong keyword
# bug: lines 32-32, block 1
# fix:         triangle = Polygon(ORIGIN, RIGHT * 2, UP, color=BLUE, fill_opacity=0.5)
# fact: fill_opacity
from manim import *


class TeachingScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        self.title = Text(title_text, font_size=32, color=WHITE).to_edge(UP, buff=0.3)
        self.lecture = VGroup(*[Text(line, font_size=22, color=GRAY_B) for line in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.3).to_edge(LEFT, buff=0.3)
        self.add(self.title, self.lecture)
        self.grid = {}
        left, top, cell_w, cell_h = -2.0, 2.9, 8.8 / 6, 6.6 / 6
        for i, row in enumerate("ABCDEF"):
            for j in range(6):
                self.grid[f"{row}{j + 1}"] = np.array([left + (j + 0.5) * cell_w, top - (i + 0.5) * cell_h, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject


class PaperKwFillOpactyScene(TeachingScene):
    def construct(self):
        self.setup_layout("Paper kw fill opacty", ["1. First idea", "2. Second idea", "3. Third idea"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(YELLOW), run_time=0.3)
        triangle = Polygon(ORIGIN, RIGHT * 2, UP, color=BLUE, fill_opacty=0.5)
        self.place_at_grid(triangle, "B2")
        self.play(Create(triangle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[1].animate.set_color(YELLOW), run_time=0.3)
        square = Square(side_length=1.5, color=GREEN)
        self.place_at_grid(square, "B5")
        self.play(FadeIn(square), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.play(self.lecture[2].animate.set_color(YELLOW), run_time=0.3)
        label = Text("Shapes", font_size=28)
        self.place_at_grid(label, "E3")
        self.play(Write(label), run_time=0.5)
