"""The lecture workspace: atomic state, and the bounded archive of earlier previews."""

from __future__ import annotations

import hashlib
import json

from code2video_nb.workspace import ARCHIVE_KEEP, Workspace


def fake_render(ws: Workspace, n: int) -> dict:
    """Pretend section 1 rendered version n: a preview file and one keyframe."""
    preview = ws.preview_path("1")
    preview.parent.mkdir(parents=True, exist_ok=True)
    preview.write_bytes(f"video {n}".encode())
    ws.keyframes_dir("1").mkdir(parents=True, exist_ok=True)
    (ws.keyframes_dir("1") / "1.png").write_bytes(f"frame {n}".encode())
    record = {"hash": hashlib.sha256(str(n).encode()).hexdigest(), "video": "previews/1.mp4", "duration": 1.0}
    ws.record("1", render_preview=record)
    ws.archive_preview("1", record)
    return record


def test_an_earlier_preview_comes_back_with_its_keyframes(tmp_path):
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    first = fake_render(ws, 1)
    fake_render(ws, 2)
    assert ws.restore_preview("1", first["hash"])["hash"] == first["hash"]
    assert ws.preview_path("1").read_bytes() == b"video 1"
    assert (ws.keyframes_dir("1") / "1.png").read_bytes() == b"frame 1"
    saved = json.loads((ws.dir / "lecture.json").read_text())
    assert saved["sections"]["1"]["render_preview"]["hash"] == first["hash"]  # it is current again
    assert ws.restore_preview("1", "f" * 64) is None


def test_the_archive_keeps_only_the_newest_previews(tmp_path):
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    records = [fake_render(ws, n) for n in range(ARCHIVE_KEEP + 3)]
    kept = ws.section("1")["archive_preview"]
    assert list(kept) == [r["hash"] for r in records[-ARCHIVE_KEEP:]]
    assert len(list((ws.dir / ".renders" / "1").iterdir())) == ARCHIVE_KEEP  # old copies deleted from disk
    assert ws.restore_preview("1", records[0]["hash"]) is None


def test_state_survives_a_reopen_and_leaves_no_temp_files(tmp_path):
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    ws.write_code("1", "print('v1')\n", "generated")
    ws.write_code("1", "print('v1')\n", "generated")  # unchanged: not a new version
    ws.write_code("1", "print('v2')\n", "notebook edit")
    again = Workspace(tmp_path / "lecture")
    assert [h["reason"] for h in again.section("1")["history"]] == ["generated", "notebook edit"]
    assert again.read_code("1") == "print('v2')\n"
    assert not list((tmp_path / "lecture").rglob("*.tmp"))
