# Patch corpus: q06 a later label put into an earlier shape (paper style)
# Block 2 moves its caption into block 1's frame and helper method draws around it later:
# fading the frame out would leave the caption placed against nothing.
# naive: fade self.frame_box before 52
# safe: fade note before 61
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


class Section6Scene(TeachingScene):
    def construct(self):
        self.setup_layout("Labels", ["A frame", "Its caption", "A remark"])

        # === Animation for Lecture Line 1 ===
        self.lecture[0].set_color(YELLOW)
        self.frame_box = Rectangle(width=3.2, height=1.4, color=BLUE)
        self.place_at_grid(self.frame_box, "B4")
        note = Text("draft", font_size=30)
        self.place_at_grid(note, "E4")
        self.play(Create(self.frame_box), FadeIn(note), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.lecture[0].set_color(GRAY_B)
        self.lecture[1].set_color(YELLOW)
        caption = Text("the frame holds a caption that is long", font_size=30)
        caption.move_to(self.frame_box)
        self.play(FadeIn(caption), run_time=1)
        self.highlight_frame()
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.lecture[1].set_color(GRAY_B)
        self.lecture[2].set_color(YELLOW)
        remark = Text("final", font_size=30)
        self.place_at_grid(remark, "E4")
        self.play(FadeIn(remark), run_time=1)
        self.wait(1)

    def highlight_frame(self):
        self.play(self.frame_box.animate.set_color(YELLOW), run_time=0.5)
