"""The lecture workspace: atomic state, and the bounded archive of earlier previews."""

from __future__ import annotations

import hashlib
import json

import pytest

from code2video_nb.lecture_state import PlanOptions
from code2video_nb.section_state import FixAttempt, RenderRecord
from code2video_nb.workspace import ARCHIVE_KEEP, Workspace


def fake_render(ws: Workspace, n: int) -> RenderRecord:
    """Pretend section 1 rendered version n: a preview file and one keyframe."""
    preview = ws.preview_path("1")
    preview.parent.mkdir(parents=True, exist_ok=True)
    preview.write_bytes(f"video {n}".encode())
    ws.keyframes_dir("1").mkdir(parents=True, exist_ok=True)
    (ws.keyframes_dir("1") / "1.png").write_bytes(f"frame {n}".encode())
    record = RenderRecord(hashlib.sha256(str(n).encode()).hexdigest(), "previews/1.mp4", 1.0)
    ws.record_render("1", "preview", record)
    ws.archive_preview("1", record)
    return record


def test_an_earlier_preview_comes_back_with_its_keyframes(tmp_path):
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    first = fake_render(ws, 1)
    fake_render(ws, 2)
    assert ws.restore_preview("1", first.hash).hash == first.hash
    assert ws.preview_path("1").read_bytes() == b"video 1"
    assert (ws.keyframes_dir("1") / "1.png").read_bytes() == b"frame 1"
    saved = json.loads((ws.dir / "lecture.json").read_text())
    assert saved["sections"]["1"]["render_preview"]["hash"] == first.hash  # it is current again
    assert ws.restore_preview("1", "f" * 64) is None


def test_the_archive_keeps_only_the_newest_previews(tmp_path):
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    records = [fake_render(ws, n) for n in range(ARCHIVE_KEEP + 3)]
    kept = ws.section_state("1").archive
    assert list(kept) == [r.hash for r in records[-ARCHIVE_KEEP:]]
    assert len(list((ws.dir / ".renders" / "1").iterdir())) == ARCHIVE_KEEP  # old copies deleted from disk
    assert ws.restore_preview("1", records[0].hash) is None


def test_state_survives_a_reopen_and_leaves_no_temp_files(tmp_path):
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    ws.write_code("1", "print('v1')\n", "generated")
    ws.write_code("1", "print('v1')\n", "generated")  # unchanged: not a new version
    ws.write_code("1", "print('v2')\n", "notebook edit")
    again = Workspace(tmp_path / "lecture")
    assert [h.reason for h in again.section_state("1").history] == ["generated", "notebook edit"]
    assert again.read_code("1") == "print('v2')\n"
    assert not list((tmp_path / "lecture").rglob("*.tmp"))


# An older lecture.json's section: no error hash or fix-blocking fields, a fix without its code,
# a render without block starts or timing, an archive entry with its old "archived" path,
# a history entry missing its time, and suggestions.py's own records.
OLDER_SECTION = {
    "history": [{"reason": "generated", "code": "v1"}, "not a version",
                {"time": 2.0, "reason": "auto-fix", "code": "v2"}],
    "render_preview": {"hash": "a" * 64, "video": "previews/1.mp4", "duration": 4.5},
    "archive_preview": {"b" * 64: {"video": "previews/1.mp4", "duration": 3.0, "archived": ".renders/1/bbbb"}},
    "error": {"message": "NameError: name 'x' is not defined", "line": 7, "log": "Traceback"},
    "fix": {"ok": False, "attempts": [{"level": "scope", "line": 7, "error": "NameError"}], "model_error": "no key"},
    "panel": {"sha": "c" * 64, "time": 5.0, "versions": 2},
    "suggestions": [{"id": "s1"}],
}


def test_an_older_section_record_reads_as_typed_state(tmp_path):
    (tmp_path / "lecture").mkdir()
    (tmp_path / "lecture" / "lecture.json").write_text(json.dumps({"topic": "T", "sections": {"1": OLDER_SECTION}}))
    state = Workspace(tmp_path / "lecture").section_state("1")
    assert [(v.reason, v.code, v.time) for v in state.history] == [("generated", "v1", 0.0), ("auto-fix", "v2", 2.0)]
    assert state.render("preview") == RenderRecord("a" * 64, "previews/1.mp4", 4.5)
    assert state.render("final") is None
    assert state.archive["b" * 64].hash == "b" * 64 and state.archive["b" * 64].duration == 3.0
    assert state.error.line == 7 and state.error.hash is None and not state.error.needs_model
    assert not state.fix.ok and state.fix.attempts == [FixAttempt("scope", error="NameError", line=7)]
    assert state.fix.after is None and state.fix.model_attempts == 1
    assert state.panel.by == "panel" and state.panel.taken is None
    assert state.other == {"suggestions": [{"id": "s1"}]}


def test_a_typed_record_is_written_in_the_same_format_leaving_the_rest(tmp_path):
    (tmp_path / "lecture").mkdir()
    (tmp_path / "lecture" / "lecture.json").write_text(json.dumps({"topic": "T", "sections": {"1": OLDER_SECTION}}))
    ws = Workspace(tmp_path / "lecture")
    ws.record_render("1", "final", RenderRecord("d" * 64, "final/1.mp4", 2.0, [0.0, 1.0], seconds=3.2, fix_attempts=1))
    saved = json.loads(ws.state_path.read_text())["sections"]["1"]
    assert saved["render_final"] == {"hash": "d" * 64, "video": "final/1.mp4", "duration": 2.0,
                                     "block_starts": [0.0, 1.0], "seconds": 3.2, "fix_attempts": 1}
    assert saved["error"] is None  # it renders now
    assert {k: v for k, v in saved.items() if k not in ("render_final", "error")} == \
        {k: v for k, v in OLDER_SECTION.items() if k != "error"}  # everything else as it was, even what is not typed


# An older lecture.json's own record: no slug, plan options without notes, a replay written as
# null, a usage stage that is not a record, a timing that is not a number, and a field of later versions.
OLDER_LECTURE = {"topic": "T", "version": 1, "plan_options": {"audience": "pupils", "sections": 3, "goals": ""},
                 "replay": None, "critic": "yes", "usage": {"code:1": {"calls": 2, "prompt_tokens": 10,
                                                                      "completion_tokens": 5}, "plan": "broken"},
                 "timings": {"wall": 12.5, "render": "slow"}, "from_the_future": [1, 2]}


def test_an_older_lecture_record_reads_with_defaults_and_writes_only_what_changed(tmp_path):
    (tmp_path / "lecture").mkdir()
    (tmp_path / "lecture" / "lecture.json").write_text(json.dumps(OLDER_LECTURE))
    ws = Workspace(tmp_path / "lecture")
    lecture = ws.lecture
    assert (lecture.topic, lecture.slug, lecture.replay, lecture.critic) == ("T", "", "", None)
    assert lecture.plan_options == PlanOptions("pupils", 3, "", "")
    assert lecture.usage == {"code:1": {"calls": 2, "prompt_tokens": 10, "completion_tokens": 5}}
    assert lecture.timings == {"wall": 12.5} and ws.section_tokens("1") == 15
    ws.set_lecture(critic=False, plan_options=PlanOptions("pupils", 4, "", "notes.md 0123456789"))
    saved = json.loads(ws.state_path.read_text())
    assert saved["critic"] is False and saved["plan_options"]["notes"] == "notes.md 0123456789"
    assert {k: v for k, v in saved.items() if k not in ("critic", "plan_options")} == \
        {k: v for k, v in OLDER_LECTURE.items() if k not in ("critic", "plan_options")}  # the rest as it was
    assert ws.lecture.plan_options.changed(PlanOptions("pupils", 3)) == ["sections 4", "notes 'notes.md 0123456789'"]
    with pytest.raises(TypeError, match="topc: not a field of LectureState"):
        ws.set_lecture(topc="typo")
