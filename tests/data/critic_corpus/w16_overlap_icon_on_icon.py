# Critic corpus: w16 overlap: two icons in neighbouring cells, scaled so one covers the other (TeachingScene)
# The pictures are small arrays standing in for icon files.
# expect: overlap 25 block=1
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Cats and dogs are both mammals", "Both feed their young milk"]


def icon(rgb):
    pixels = np.zeros((48, 48, 4), dtype=np.uint8)
    pixels[..., :3], pixels[..., 3] = rgb, 255
    return ImageMobject(pixels)


class MammalScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Mammals", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        cat = icon((240, 170, 60)).scale_to_fit_height(2.0)
        self.place_at_grid(cat, "C2")
        dog = icon((150, 110, 80)).scale_to_fit_height(2.0)
        self.place_at_grid(dog, "C3")
        self.play(FadeIn(cat), FadeIn(dog), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        milk = Text("milk", font_size=28).next_to(cat, DOWN, buff=0.3)
        self.play(Write(milk), run_time=1)
        self.wait(1)
