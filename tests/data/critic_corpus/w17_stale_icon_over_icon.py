# Critic corpus: w17 stale overlap: a new icon put where the previous block's icon still is (paper style)
# The pictures are small arrays standing in for icon files.
# expect: stale_overlap 54 block=2
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


class DeviceScene(TeachingScene):
    def construct(self):
        self.setup_layout("Where your photos live", ["- You take a photo on a phone", "- It is copied to the cloud"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color("#80FFDB")
        phone = icon((90, 200, 250)).scale_to_fit_height(1.6)
        self.place_at_grid(phone, "C3")
        self.play(FadeIn(phone))
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color("#CAF0F8")
        cloud = icon((230, 230, 250)).scale_to_fit_height(1.4)
        self.place_at_grid(cloud, "C3")
        self.play(FadeIn(cloud))
        self.wait(1)
