# Critic corpus: w08 clean: two vectors, the parallelogram they span, and its diagonal (TeachingScene)
# The parallelogram is drawn over the vectors in block 2 and the vectors are used again in block 3.
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["Two vectors v and w", "They span a parallelogram", "Its diagonal is v + w"]


class SpanScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Adding vectors", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        origin = np.array([-0.8, -2.2, 0])
        v = Arrow(origin, origin + RIGHT * 3.5, buff=0, color=BLUE)
        w = Arrow(origin, origin + RIGHT * 1.5 + UP * 2.8, buff=0, color=GREEN)
        v_label = MathTex(r"\vec v", color=BLUE).next_to(v, DOWN, buff=0.15)
        w_label = MathTex(r"\vec w", color=GREEN).next_to(w.get_center(), LEFT, buff=0.3)
        self.play(GrowArrow(v), GrowArrow(w), Write(v_label), Write(w_label), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        corners = [origin, v.get_end(), v.get_end() + (w.get_end() - origin), w.get_end()]
        parallelogram = Polygon(*corners, color=YELLOW, fill_opacity=0.2, stroke_width=2)
        self.play(DrawBorderThenFill(parallelogram), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        diagonal = Arrow(origin, corners[2], buff=0, color=RED)
        sum_label = MathTex(r"\vec v + \vec w", color=RED).move_to(parallelogram.get_center() + RIGHT * 0.6 + DOWN * 0.5)
        self.play(GrowArrow(diagonal), Write(sum_label), run_time=1)
        self.play(Indicate(v), Indicate(w), run_time=1)
        self.wait(1)
