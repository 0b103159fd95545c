"""Nothing a user wrote is ever lost (issue 6, part 3): hand edits enter the history,
concurrent writers of one lecture.json keep each other's records, a broken lecture.json
or a failing disk is one line naming the path, and paths in lecture.json are not followed.

Processes are real processes; the CLI runs as a real `python` so a traceback would show."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from code2video_nb.cli import main
from code2video_nb.config import Settings
from code2video_nb.engine import Engine, content_hash
from code2video_nb.errors import WorkspaceError
from code2video_nb.files import atomic_copy, disk_errors
from code2video_nb.plan import Storyboard
from code2video_nb.section_state import RenderRecord
from code2video_nb.workspace import ARCHIVE_KEEP, Workspace, lecture_dir

from test_video import GREEN, RED, make_clip

SCENE = textwrap.dedent("""\
    from manim import *


    class Section{n}Scene(Scene):
        def construct(self):
            self.play(Create(Circle()), run_time=0.5)
    """)


def make_lecture(root: Path, slug: str = "lecture", ids=("1", "2")) -> Workspace:
    """A planned lecture with code, as `generate --no-render` leaves it, made without a model."""
    ws = Workspace.create(root, slug, "A topic")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": i, "title": f"Part {i}", "lecture_lines": [f"Line {i}"], "animations": ["a circle"]} for i in ids]}))
    for i in ids:
        ws.write_code(i, SCENE.format(n=i), "generated")
    return ws


def cache_preview(ws: Workspace, section_id: str, colour=RED) -> Path:
    """The state a finished preview render leaves: its video and its record for this code."""
    ws.preview_path(section_id).parent.mkdir(exist_ok=True)
    video = make_clip(ws.preview_path(section_id), colour, 1.0)
    record = RenderRecord(content_hash(ws.read_code(section_id), "preview"), f"previews/{section_id}.mp4", 1.0, [0.0])
    ws.record_render(section_id, "preview", record)
    return video


CLI = "import sys; from code2video_nb.cli import main; sys.exit(main(sys.argv[1:]))"


def cli(*args: str, umask: int | None = None) -> subprocess.CompletedProcess:
    """`code2video ARGS` in its own Python process (optionally under a umask)."""
    prelude = f"import os; os.umask({umask}); " if umask is not None else ""
    return subprocess.run([sys.executable, "-c", prelude + CLI, *args], capture_output=True, text=True, timeout=120)


def one_line_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("code2video: error: "), run.stderr
    return lines[0]


# hand edits ---------------------------------------------------------------------
def test_a_hand_edit_is_recorded_before_a_stale_write_replaces_it(tmp_path):
    ws = make_lecture(tmp_path)
    generated = ws.read_code("1")
    hand = generated.replace("Circle()", "Square()")
    ws.code_path("1").write_text(hand, encoding="utf-8")  # the README invites editing sections/<id>.py

    ws.write_code("1", generated, "notebook edit")  # a cell that still holds the generated code runs

    history = ws.section_state("1").history
    assert [h.reason for h in history] == ["generated", "hand edit", "notebook edit"]
    assert history[1].code == hand
    assert ws.read_code("1") == generated
    ws.write_code("1", generated, "notebook edit")  # nothing new on disk or in the cell: no new version
    assert len(ws.section_state("1").history) == 3


def test_a_hand_edit_survives_a_stale_section_cell_run(tmp_path, monkeypatch):
    """Through the real `%%c2v_section` magic; the stale cell's code has a cached preview, so no render,
    and the lecture was made with --no-critic, so no check pass for the critic's cards either."""
    from IPython.core.interactiveshell import InteractiveShell

    from code2video_nb.notebook import cells

    monkeypatch.chdir(tmp_path)
    ws = make_lecture(tmp_path / "code2video")
    ws.set_lecture(critic=False)
    stale = ws.read_code("1")
    cache_preview(ws, "1")
    hand = stale.replace("Circle()", "Triangle()")
    ws.code_path("1").write_text(hand, encoding="utf-8")

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "code2video_nb")
    try:
        line, _, body = cells.cell_source(ws.slug, "1", stale).partition("\n")
        shell.run_cell_magic("c2v_section", line.split(" ", 1)[1], body)
    finally:
        shell.run_line_magic("unload_ext", "code2video_nb")

    saved = json.loads(ws.state_path.read_text())["sections"]["1"]["history"]
    assert [h["reason"] for h in saved] == ["generated", "hand edit", "notebook edit"]
    assert saved[1]["code"] == hand and ws.read_code("1") == stale


# concurrent writers ---------------------------------------------------------------
WRITER = textwrap.dedent("""\
    import sys, time
    from pathlib import Path
    from code2video_nb.workspace import Workspace

    folder, section, n, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    ws = Workspace(folder)  # opened before the others write: its copy is stale from the first record on
    while not go.exists():
        time.sleep(0.002)
    for k in range(1, n + 1):
        ws.update_section(section, lambda record: record.update(renders=k))  # a record the workspace does not type
        ws.add_usage({f"code:{section}": {"calls": 1}})
    """)


def test_processes_recording_different_sections_keep_every_record(tmp_path):
    ws = make_lecture(tmp_path, ids=("1",))
    go, n, sections = tmp_path / "go", 40, ["a", "b", "c"]
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(ws.dir), s, str(n), str(go)],
                                stderr=subprocess.PIPE, text=True) for s in sections]
    go.touch()
    for w in writers:
        assert w.wait(timeout=120) == 0, w.stderr.read()

    saved = json.loads(ws.state_path.read_text())  # valid JSON, holding every process's records
    assert {s: saved["sections"][s]["renders"] for s in sections} == {s: n for s in sections}
    assert {s: saved["usage"][f"code:{s}"]["calls"] for s in sections} == {s: n for s in sections}
    # This process's Workspace was opened before them: readers see their records, and a write keeps them.
    assert ws.section_state("b").other["renders"] == n
    ws.record_error("1", None)
    assert set(json.loads(ws.state_path.read_text())["sections"]) == {"1", "a", "b", "c"}
    assert [h.reason for h in ws.section_state("1").history] == ["generated"]


@pytest.mark.render
def test_two_cli_renders_of_different_sections_at_once_keep_both_records(tmp_path):
    ws = make_lecture(tmp_path)
    renders = [subprocess.Popen([sys.executable, "-c", CLI, "render", str(ws.dir), "--section", s, "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in ("1", "2")]
    for r in renders:
        out, err = r.communicate(timeout=300)
        assert r.returncode == 0, out + err
    saved = json.loads(ws.state_path.read_text())["sections"]
    for s in ("1", "2"):
        assert saved[s]["render_preview"]["hash"] == content_hash(ws.read_code(s), "preview")
    assert "cached" in cli("render", str(ws.dir)).stdout  # neither renders again


# a broken lecture.json ----------------------------------------------------------------
BROKEN = {
    "invalid JSON": ('{\n "topic": "A topic",\n "sections": {\n', "line 4, column 1"),
    "empty": ("", "line 1, column 1"),
    "a list": ("[\n {\"topic\": \"A topic\"}\n]\n", "line 1, column 1"),
    "sections a list": ('{"topic": "A topic",\n "sections": []}', "line 2, column 2"),
    "a section a string": ('{"topic": "A topic",\n "sections": {"1": "x"}}', "line 2, column 15"),
    "storyboard without sections": ('{"topic": "A topic", "storyboard": {"scenes": []}}', "line 1, column 22"),
}


@pytest.mark.parametrize("text, position", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_lecture_json_is_one_line_with_its_position_and_is_not_overwritten(tmp_path, capsys, text,
                                                                                   position):
    folder = tmp_path / "lecture"
    folder.mkdir()
    (folder / "lecture.json").write_text(text, encoding="utf-8")
    before = (folder / "lecture.json").read_bytes()

    assert main(["render", str(folder)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"code2video: error: {folder / 'lecture.json'}: {position}: ") and "\n" not in err
    with pytest.raises(WorkspaceError, match=position):  # what `generate` and the notebook open it with
        Workspace.create(tmp_path, "lecture", "A topic").storyboard
    assert (folder / "lecture.json").read_bytes() == before


def test_a_broken_lecture_json_is_one_line_in_the_notebook(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.chdir(tmp_path)
    ws = make_lecture(tmp_path / "code2video")
    ws.state_path.write_text('{"topic": "A topic",\n "sections": {,}}', encoding="utf-8")
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "code2video_nb")
    try:
        with pytest.raises(UsageError, match=r"lecture\.json: line 2, column 15: invalid JSON"):
            shell.run_line_magic("c2v", f"status {ws.slug}")
    finally:
        shell.run_line_magic("unload_ext", "code2video_nb")


# disk failures --------------------------------------------------------------------------
def test_out_under_a_regular_file_is_one_line_naming_the_path(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    line = one_line_error(cli("demo", "--out", str(blocker / "lectures"), "--quiet"))
    assert str(blocker) in line and "not a folder" in line
    assert blocker.read_text() == "a file, not a folder"


def test_a_file_where_the_sections_folder_should_be_is_one_line(tmp_path):
    ws = make_lecture(tmp_path, ids=("1",))
    ws.code_path("1").unlink()
    ws.code_path("1").parent.rmdir()
    ws.code_path("1").parent.write_text("in the way")
    with pytest.raises(WorkspaceError, match=r"sections: File exists; a file is where a folder should be"):
        ws.write_code("1", "print('new')\n", "generated")


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    """A real 512 kB file system, so a full disk is a real ENOSPC (tests run as root; skipped without)."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "512k"):
        pytest.skip("cannot mount a tmpfs here")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


@dataclass
class Sealable:
    """A folder that becomes read-only for real when sealed: its tmpfs is remounted read-only
    (root ignores mode bits), or, when not root, its mode becomes 0555."""

    path: Path
    mounted: bool

    def seal(self) -> Path:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)
        else:
            self.path.chmod(0o555)
        return self.path


@pytest.fixture
def sealable(tmp_path):
    folder = Sealable(tmp_path / "ro", _mount_tmpfs(tmp_path / "ro", "2m"))
    if not folder.mounted and os.geteuid() == 0:
        pytest.skip("cannot mount a tmpfs here, and root ignores mode bits")
    yield folder
    if folder.mounted:
        subprocess.run(["umount", "-l", str(folder.path)], capture_output=True)
    else:
        folder.path.chmod(0o755)


def _fill(disk: Path) -> None:
    with open(disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_a_read_only_out_folder_is_one_line_naming_the_path(sealable):
    folder = sealable.seal()
    line = one_line_error(cli("demo", "--out", str(folder / "lectures"), "--quiet"))
    assert str(folder / "lectures") in line and "choose a folder you can write to" in line


def test_export_in_a_read_only_lecture_is_one_line_naming_the_path(sealable):
    ws = make_lecture(sealable.path)
    cache_preview(ws, "1")
    cache_preview(ws, "2")
    sealable.seal()
    line = one_line_error(cli("export", str(ws.dir), "--quiet"))
    assert str(ws.dir) in line and ("read-only" in line or "choose a folder you can write to" in line)


def test_a_full_disk_is_one_line_and_keeps_the_files_as_they_were(small_disk):
    ws = make_lecture(small_disk)
    before = {p: p.read_bytes() for p in (ws.state_path, ws.code_path("1"))}
    _fill(small_disk)
    with pytest.raises(WorkspaceError, match="disk is full") as caught:
        ws.write_code("1", "# a long hand-written section\n" * 5000, "notebook edit")
    assert str(ws.dir) in str(caught.value) and "\n" not in str(caught.value)
    assert {p: p.read_bytes() for p in before} == before  # atomic: the old files are whole
    assert not list(ws.dir.rglob("*.tmp"))


def test_disk_errors_name_the_path_the_os_did_not():
    with pytest.raises(WorkspaceError) as caught:
        with disk_errors("/dev/full"), open("/dev/full", "wb") as full:  # every write fails with ENOSPC
            full.write(b"frames" * 10_000)
    assert caught.value.__cause__.errno == errno.ENOSPC
    assert str(caught.value).startswith("/dev/full: No space left on device; the disk is full")


def test_an_unreadable_preview_is_one_line_naming_it(tmp_path):
    ws = make_lecture(tmp_path)
    cache_preview(ws, "1")
    cache_preview(ws, "2")
    ws.preview_path("2").write_bytes(b"not a video at all" * 100)  # damaged after it was recorded
    line = one_line_error(cli("export", str(ws.dir), "--quiet"))
    assert str(ws.preview_path("2")) in line and "delete a damaged preview" in line


# file modes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_exported_lecture_and_subtitles_follow_the_umask(tmp_path, umask, mode):
    ws = make_lecture(tmp_path)
    cache_preview(ws, "1", RED)
    cache_preview(ws, "2", GREEN)
    run = cli("export", str(ws.dir), "--quiet", umask=umask)
    assert run.returncode == 0, run.stderr
    video, subtitles = ws.export_paths()
    assert (video.stat().st_mode & 0o777, subtitles.stat().st_mode & 0o777) == (mode, mode)


def test_atomic_copy_streams_and_keeps_the_usual_mode(tmp_path):
    from code2video_nb.files import FILE_MODE

    src = tmp_path / "big.mp4"
    with open(src, "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: a large render without filling the disk
    copy = atomic_copy(src, tmp_path / "out" / "copy.mp4")
    assert copy.stat().st_size == src.stat().st_size and copy.stat().st_mode & 0o777 == FILE_MODE
    assert not list((tmp_path / "out").glob(".*.tmp"))


# paths in lecture.json ---------------------------------------------------------------------------
def test_a_record_pointing_outside_the_workspace_is_not_followed(tmp_path):
    ws = make_lecture(tmp_path / "lectures", ids=("1",))
    outside = make_clip(tmp_path / "outside.mp4", GREEN, 1.0)
    code = ws.read_code("1")
    ws.record_render("1", "preview", RenderRecord(content_hash(code, "preview"), "../../outside.mp4", 1.0))
    engine = Engine(Settings.from_env(), None)
    assert engine.cached(ws, "1", code, "preview") is None  # its own preview is missing: render again

    cache_preview(ws, "1")
    ws.record_render("1", "preview", replace(ws.section_state("1").render("preview"), video="../../outside.mp4"))
    assert engine.cached(ws, "1", code, "preview").video == ws.preview_path("1")
    assert outside.exists()


def test_archive_entries_pointing_outside_are_neither_read_nor_deleted(tmp_path):
    ws = make_lecture(tmp_path / "lectures", ids=("1",))
    victim = tmp_path / "victim"
    (victim / "keyframes").mkdir(parents=True)
    (victim / "video.mp4").write_bytes(b"someone else's file")
    planted = {f"{n:064x}": {"hash": f"{n:064x}", "video": "../../victim/video.mp4", "duration": 1.0,
                             "archived": "../../victim"} for n in range(1, ARCHIVE_KEEP + 1)}
    ws.update_section("1", lambda record: record.update(archive_preview=planted))  # as a hand edit could leave it

    assert ws.restore_preview("1", f"{1:064x}") is None  # its own archive folder does not exist
    assert not ws.preview_path("1").exists()
    cache_preview(ws, "1")
    ws.archive_preview("1", ws.section_state("1").render("preview"))  # pushes the oldest planted entry out
    assert (victim / "video.mp4").read_bytes() == b"someone else's file"
    assert len(ws.section_state("1").archive) == ARCHIVE_KEEP


@pytest.mark.parametrize("bad", ["../x", "a/b", "..", "", "x" * 41, "1\0"])
def test_section_ids_and_lecture_names_that_are_paths_are_refused(tmp_path, bad):
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    with pytest.raises(WorkspaceError, match="not a plain name"):
        ws.code_path(bad)
    if "/" in bad or bad in ("..", ""):
        with pytest.raises(WorkspaceError, match="not a folder name"):
            lecture_dir(tmp_path, bad)


def test_model_section_ids_become_plain_bounded_names():
    board = Storyboard.from_dict({"sections": [
        {"id": "../../etc/passwd", "title": "T", "lecture_lines": ["a"], "animations": ["b"]},
        {"id": "x" * 300, "title": "T", "lecture_lines": ["a"], "animations": ["b"]}]})
    assert [s.id for s in board.sections] == ["_etc_passwd", "x" * 40]
