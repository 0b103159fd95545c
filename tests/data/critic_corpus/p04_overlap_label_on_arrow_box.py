# Critic corpus: p04 overlap: a caption written over a filled box (paper style)
# A caption meant for under the box is placed with a negative buffer and lands on it.
# expect: overlap 42 block=1
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

class Section4Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Memory and the CPU", ["The CPU reads from memory", "Data moves in words"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        cpu = Square(side_length=1.6, color=BLUE, fill_opacity=0.5)
        self.place_at_grid(cpu, "B2")
        memory = Rectangle(width=1.8, height=2.6, color=GREEN, fill_opacity=0.5)
        self.place_at_grid(memory, "C5")
        bus = Arrow(memory.get_left(), cpu.get_right(), buff=0.1)
        caption = Text("CPU core (3 GHz)", font_size=28).next_to(cpu, DOWN, buff=-0.4)
        self.play(FadeIn(cpu), FadeIn(memory), GrowArrow(bus), Write(caption), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.lecture[1].set_color(YELLOW)
        word = Text("64-bit word", font_size=26)
        self.place_at_grid(word, "F3")
        self.play(FadeIn(word), run_time=1)
        self.wait(2)
