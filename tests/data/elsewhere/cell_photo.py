from manim import *


class TeachingScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        self.title = Text(title_text, font_size=30).to_edge(UP, buff=0.3)
        self.lecture = VGroup(*[Text(t, font_size=20, color=GRAY_B) for t in lecture_lines])
        self.lecture.arrange(DOWN, aligned_edge=LEFT, buff=0.35).to_edge(LEFT, buff=0.4).shift(UP * 1.2)
        self.add(self.title, self.lecture)
        self.grid = {}
        left, top, width, height = -1.8, 2.8, 8.4, 6.2
        for i, row in enumerate("ABCDEF"):
            for j in range(6):
                self.grid[f"{row}{j + 1}"] = np.array([left + (j + 0.5) * width / 6, top - (i + 0.5) * height / 6, 0])

    def place_at_grid(self, mobject, cell, scale_factor=1.0):
        mobject.scale(scale_factor).move_to(self.grid[cell])
        return mobject


class Section2Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Cells", ["1. A cell under the microscope", "2. Its membrane"])

        # === Animation for Lecture Line 1 ===
        self.play(self.lecture[0].animate.set_color(YELLOW), run_time=0.3)
        image_path = "@PICTURES@/photo/cell.png"
        photo = ImageMobject(image_path).scale_to_fit_height(2.2)
        self.place_at_grid(photo, "C3")
        self.play(FadeIn(photo), run_time=0.6)

        # === Animation for Lecture Line 2 ===
        self.play(self.lecture[0].animate.set_color(GRAY_B), self.lecture[1].animate.set_color(YELLOW),
                  run_time=0.3)
        ring = Circle(radius=0.6, color=GREEN)
        self.place_at_grid(ring, "C5")
        self.play(Create(ring), run_time=0.5)
        self.wait(0.4)
