# Critic corpus: p10 clean: labels inside shapes, arrows between them, a brace (paper style)
# A flow of labelled boxes: each label inside its own box, arrows touching the boxes.
# expect: none
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

class Section10Scene(TeachingScene):
    def construct(self):
        self.setup_layout("The water cycle", ["Water evaporates and condenses", "It falls as rain"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        sea = RoundedRectangle(width=1.8, height=0.9, corner_radius=0.2, color=BLUE)
        self.place_at_grid(sea, "E2")
        sea_label = Text("sea", font_size=26).move_to(sea)
        cloud = Ellipse(width=2.0, height=1.0, color=WHITE)
        self.place_at_grid(cloud, "B4")
        cloud_label = Text("cloud", font_size=26).move_to(cloud)
        up = Arrow(sea.get_top(), cloud.get_left(), buff=0.15, color=YELLOW)
        self.play(Create(sea), Write(sea_label), Create(cloud), Write(cloud_label), GrowArrow(up), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color(YELLOW)
        land = Rectangle(width=1.8, height=0.9, color=GREEN)
        self.place_at_grid(land, "E5")
        land_label = Text("land", font_size=26).move_to(land)
        down = Arrow(cloud.get_bottom(), land.get_top(), buff=0.15, color=BLUE)
        brace = Brace(VGroup(sea, land), DOWN, buff=0.1)
        ground = brace.get_text("the ground")
        self.play(Create(land), Write(land_label), GrowArrow(down), FadeIn(brace), Write(ground), run_time=1)
        self.wait(2)
