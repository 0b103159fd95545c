# Critic corpus: w10 clean: the parts of a machine drawn inside its outline in a later block (TeachingScene)
# expect: none
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = ["A computer is one box", "Inside: a processor and memory"]


class ComputerScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Parts of a computer", LECTURE_LINES, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        case = RoundedRectangle(width=5.6, height=3.6, corner_radius=0.3, color=GREY_B)
        self.place_in_area(case, "B2", "E5")
        case_name = Text("computer", font_size=24, color=GREY_B).next_to(case, UP, buff=0.1)
        self.play(Create(case), Write(case_name), run_time=1)
        self.wait(1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        cpu = Square(side_length=1.4, color=BLUE).move_to(case.get_center() + LEFT * 1.3)
        cpu_name = Text("CPU", font_size=26).move_to(cpu)
        ram = Rectangle(width=1.8, height=1.0, color=GREEN).move_to(case.get_center() + RIGHT * 1.3)
        ram_name = Text("RAM", font_size=26).move_to(ram)
        bus = Line(cpu.get_right(), ram.get_left(), color=YELLOW)
        self.play(Create(cpu), Write(cpu_name), Create(ram), Write(ram_name), Create(bus), run_time=1)
        self.wait(1)
