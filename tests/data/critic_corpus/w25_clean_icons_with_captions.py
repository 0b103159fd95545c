# Critic corpus: w25 clean: icons side by side with captions, one framed by a box (paper style)
# The pictures are small arrays standing in for icon files.
# expect: none
from manim import *


class TeachingScene(Scene):
    def setup_layout(self, title_text, lecture_lines):
        self.camera.background_color = "#111318"
        self.title = Text(title_text, font_size=28, color=WHITE).to_edge(UP)
        self.add(self.title)
        rows = [Text(line, font_size=22, color=WHITE) for line in lecture_lines]
        self.lecture = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT).scale(0.8)
        self.lecture.to_edge(LEFT, buff=0.2)
        self.add(self.lecture)
        # 6x6 anchor grid on the right: rows A-F top to bottom, columns 1-6 left to right
        self.grid = {}
        for i, row in enumerate("ABCDEF"):
            for j in range(6):
                self.grid[f"{row}{j + 1}"] = np.array([0.5 + j, 2.2 - i, 0])

    def place_at_grid(self, mobject, grid_pos, scale_factor=1.0):
        mobject.scale(scale_factor)
        mobject.move_to(self.grid[grid_pos])
        return mobject

    def place_in_area(self, mobject, top_left, bottom_right, scale_factor=1.0):
        corner_a, corner_b = self.grid[top_left], self.grid[bottom_right]
        mobject.scale(scale_factor)
        mobject.move_to((corner_a + corner_b) / 2)
        return mobject


def icon(rgb):
    pixels = np.zeros((40, 40, 4), dtype=np.uint8)
    pixels[..., :3], pixels[..., 3] = rgb, 255
    return ImageMobject(pixels)


class FoodChainScene(TeachingScene):
    def construct(self):
        self.setup_layout("A food chain", ["- Grass feeds the rabbit", "- The rabbit feeds the fox"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#B9FBC0")
        grass = icon((80, 190, 90)).scale_to_fit_height(1.0)
        self.place_at_grid(grass, "C1")
        grass_name = Text("grass", font_size=22).next_to(grass, DOWN, buff=0.15)
        rabbit = icon((200, 200, 200)).scale_to_fit_height(1.0)
        self.place_at_grid(rabbit, "C3")
        rabbit_name = Text("rabbit", font_size=22).next_to(rabbit, DOWN, buff=0.15)
        eats = Arrow(grass.get_right(), rabbit.get_left(), buff=0.15)
        self.play(FadeIn(grass), Write(grass_name), FadeIn(rabbit), Write(rabbit_name), GrowArrow(eats))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#FFCFD2")
        fox = icon((230, 120, 40)).scale_to_fit_height(1.0)
        self.place_at_grid(fox, "C5")
        frame = SurroundingRectangle(fox, color="#FFCFD2", buff=0.1)
        fox_name = Text("fox", font_size=22).next_to(frame, DOWN, buff=0.15)
        hunts = Arrow(rabbit.get_right(), frame.get_left(), buff=0.15)
        self.play(FadeIn(fox), Create(frame), Write(fox_name), GrowArrow(hunts))
        self.wait(1)
