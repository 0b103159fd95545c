# Critic corpus: t10 clean: labels in boxes, a brace with its label, an arrow pointing at a shape (TeachingScene)
# Intended designs: containment, a brace label beside its brace, an arrow touching its target.
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A function maps inputs to outputs", "The input has a width"]


class FunctionBoxScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Functions as machines", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        machine = Rectangle(width=2.4, height=1.4, color=BLUE)
        self.place_at_grid(machine, "C4")
        name = MathTex("f", font_size=60).move_to(machine)
        source = Circle(radius=0.45, color=GREEN)
        self.place_at_grid(source, "C2")
        x = MathTex("x").move_to(source)
        arrow = Arrow(source.get_right(), machine.get_left(), buff=0.1)
        self.play(Create(machine), Write(name), Create(source), Write(x), GrowArrow(arrow), run_time=1)
        self.wait(2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        brace = Brace(machine, DOWN)
        width = brace.get_text("width 2.4")
        self.play(GrowFromCenter(brace), FadeIn(width), run_time=1)
        self.wait(2)
