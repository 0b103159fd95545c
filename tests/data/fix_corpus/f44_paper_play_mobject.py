# fix corpus: mobject to play()
# bug: lines 46-46, block 3
# fix:         self.play(FadeIn(example), run_time=0.5)
# fact: FadeIn
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


class PaperPlayMobjectScene(TeachingScene):
    def construct(self):
        self.setup_layout("Paper play mobject", ["1. First idea", "2. Second idea", "3. Third idea"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(YELLOW), run_time=0.3)
        circle = Circle(color=BLUE).scale(0.8)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[1].animate.set_color(YELLOW), run_time=0.3)
        square = Square(side_length=1.5, color=GREEN)
        self.place_at_grid(square, "B5")
        self.play(FadeIn(square), run_time=0.5)

        # === Animation for Lecture Line 3 ===
        self.play(self.lecture[2].animate.set_color(YELLOW), run_time=0.3)
        example = Text("3, 4, 5", font_size=30)
        self.place_at_grid(example, "E4")
        self.play(example, run_time=0.5)
