# Patch corpus: q02 the vectors that span a parallelogram (paper style)
# Block 2 writes the area inside the parallelogram, across vector w; block 3 shears w, so
# fading w out (or the group holding it) would break the last block.
# naive: fade w before 54
# naive: fade vectors before 54
# naive: move area to A1 at 53
from manim import *


class TeachingScene(Scene):
    """The Code2Video convention: title on top, lecture lines (self.lecture) on the left, and a
    6x6 anchor grid (self.grid: "A1".."F6" -> point) on the right."""

    def setup_layout(self, title, lecture_lines):
        self.title = Text(title, font_size=30).to_edge(UP, buff=0.3)
        self.lecture = VGroup(*[Text(line, font_size=20, color=GRAY_B) for line in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.35).to_corner(UL, buff=0.5).shift(DOWN * 0.9)
        self.add(self.title, self.lecture)
        self.grid = {}
        for i, row in enumerate("ABCDEF"):
            for j in range(6):
                self.grid[f"{row}{j + 1}"] = np.array([0.6 + 1.1 * j, 2.4 - 1.0 * i, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject

    def place_in_area(self, mobject, top_left, bottom_right, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to((self.grid[top_left] + self.grid[bottom_right]) / 2)
        return mobject


class Section2Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Area from vectors", ["Two vectors", "They span a parallelogram", "Shearing keeps the area"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        origin = self.grid["D3"]
        v = Arrow(origin, origin + RIGHT * 2.2, buff=0, color=BLUE)
        w = Arrow(origin, origin + UP * 1.6, buff=0, color=GREEN)
        vectors = VGroup(v, w)
        self.play(GrowArrow(v), GrowArrow(w), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[0].set_color(GRAY_B)
        self.lecture[1].set_color(YELLOW)
        para = Polygon(origin, v.get_end(), v.get_end() + UP * 1.6, w.get_end(), color=YELLOW, fill_opacity=0.2)
        area = MathTex(r"A = |v|\,|w| = 3.52")
        area.move_to(para.get_center() + LEFT * 0.9)
        self.play(Create(para), Write(area), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.lecture[1].set_color(GRAY_B)
        self.lecture[2].set_color(YELLOW)
        self.play(vectors.animate.shift(DOWN * 0.2), run_time=1)
        self.wait(1)
