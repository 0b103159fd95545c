"""Coder: one storyboard section -> one Manim scene file (one request per section)."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

from . import prompts
from .model_client import ModelClient
from .plan import StoryboardSection
from .replies import code_in_reply

MAX_PARALLEL_REQUESTS = 8


def scene_class_name(section_id: str) -> str:
    return "Section" + re.sub(r"\W", "_", str(section_id)).title().replace("_", "") + "Scene"


def section_header(section: StoryboardSection) -> str:
    """A comment header with the storyboard, so the code (and its notebook cell) says what it shows."""
    lines = [f"# Section {section.id}: {section.title}"]
    for k, (line, animation) in enumerate(zip(section.lecture_lines, section.animations), 1):
        lines += [f"#   {k}. {line}", f"#      -> {animation}"]
    return "\n".join(lines) + "\n\n"


def with_header(section: StoryboardSection, code: str) -> str:
    header = section_header(section)
    return code if code.startswith(header) else header + code


def code_request(section: StoryboardSection, topic: str, *, regenerate_error: str = "") -> list[dict]:
    steps = "\n".join(f"{k}. {line}\n   Animation: {anim}"
                      for k, (line, anim) in enumerate(zip(section.lecture_lines, section.animations), 1))
    request = prompts.messages(
        "code", topic=topic, section_id=section.id, title=section.title, steps=steps,
        class_name=scene_class_name(section.id), title_literal=json.dumps(section.title, ensure_ascii=False),
    )
    if regenerate_error:
        request[-1]["content"] += "\n\n" + prompts.render("regenerate", error=regenerate_error).strip()
    return request


def write_section_code(client: ModelClient, section: StoryboardSection, topic: str, *,
                       regenerate_error: str = "", fresh: bool = False) -> str:
    """The section's scene code. A reply without any (prose, an error blob, a cut-off file) is
    re-asked with the problem, bounded, then raises ReplyFormatError: it never becomes the section."""
    code = client.ask_until(code_request(section, topic, regenerate_error=regenerate_error),
                            stage=f"code:{section.id}", use=lambda text: code_in_reply(text, scene=True),
                            reask="reask_code", fresh=fresh, whole=True)
    return with_header(section, code)


def write_all(client: ModelClient, sections: list[StoryboardSection], topic: str,
              on_done=lambda section, code: None) -> dict[str, str]:
    """Sections in parallel: requests are I/O-bound, so a thread each (bounded)."""
    workers = max(1, min(len(sections), MAX_PARALLEL_REQUESTS))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="c2v-code") as pool:
        futures = {s.id: pool.submit(write_section_code, client, s, topic) for s in sections}
        results, errors = {}, []
        for section in sections:
            try:
                results[section.id] = futures[section.id].result()
            except Exception as exc:  # keep what the others produced (it was paid for), then report
                errors.append(exc)
                continue
            on_done(section, results[section.id])
    if errors:
        raise errors[0]
    return results
