# Patch corpus: q03 a label that belongs to its arrow (TeachingScene)
# The force's label is put next to its arrow but over the block: moving the label to a free
# cell would take it away from the arrow it names.
# naive: move force_label to F6 at 21
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A force pushes the block"]


class ForceScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Forces", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        block = Square(side_length=1.6, color=BLUE, fill_opacity=0.4)
        self.place_at_grid(block, "C4")
        push = Arrow(block.get_left() + LEFT * 2, block.get_left(), buff=0, color=RED)
        force_label = MathTex(r"\vec F = 12\,\mathrm{N}")
        force_label.next_to(push, RIGHT, buff=-0.6)
        self.play(Create(block), GrowArrow(push), Write(force_label), run_time=1)
        self.wait(2)
