"""Plans read while the model writes them: the outline's section titles as they arrive, and each
section's code request started the moment its storyboard entry is complete.

Every model reply streams (`ModelClient`'s `on_text`), and a plan is a JSON array of sections the
model writes one after the other. Waiting for the whole storyboard before asking for any code left
the first section's code request idle for most of the storyboard's time; `CodeAhead` asks for it as
soon as the entry is complete in the streamed text.

What the plan says is still decided by the whole reply, checked as before (and re-asked when it
fails): an early request only stands when the final storyboard asks for exactly the same code
request (same messages, so the same reply cache key). A request whose entry the final storyboard
changed, or dropped, is hung up at its next chunk, and the final entry's request is asked as usual.
A section that asks for pictures waits for the whole storyboard: its request names the files
placed for it, which are only placed then.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

from . import assets, coder, source_plan
from .cassette import request_key
from .errors import PlanError
from .language import Language
from .model_client import ModelClient, OnText, Stopped
from .plan import Outline, Storyboard, StoryboardSection, check_lecture_lines
from .progress_events import Progress, SectionEvent, report
from .replies import ItemReader


def section_titles(progress: Progress) -> OnText:
    """An outline reply's `on_text`: each section's title as a "planned" event (the CLI's line
    "section 2: <title>") the moment its entry is complete; once per id and title, so a reply asked
    again says only what changed."""
    reader, said = ItemReader("sections"), set()

    def on_text(text: str) -> None:
        for index, item in enumerate(reader.read(text), 1):
            if not isinstance(item, dict) or not str(item.get("title") or "").strip():
                continue
            section_id, title = str(item.get("id") or index), " ".join(str(item["title"]).split())
            if (section_id, title) not in said:
                said.add((section_id, title))
                report(progress, "plan", f"section {section_id}: {title}",
                       SectionEvent(section_id, "planned", detail=title))

    return on_text


class CodeAhead:
    """Code requests started from a storyboard still being written; `coder.write_all` takes them
    (`take`) instead of asking again."""

    def __init__(self, client: Callable[[], ModelClient], topic: str, progress: Progress | None = None,
                 on_reply: coder.OnReply | None = None):
        """`client`: called when the first request starts (a plan that is already there needs none).
        `on_reply(section, reply so far)` as each early request's reply streams (as `coder.write_all`'s)."""
        self.client = client
        self.topic = topic
        self.progress = progress or (lambda stage, message: None)
        self.on_reply = on_reply
        self._lock = threading.Lock()
        self._started: dict[str, tuple[StoryboardSection, Future]] = {}  # request key -> its entry and reply
        self._wanted: set[str] = set()  # the keys still wanted; any other is hung up at its next chunk
        self.language: Language | None = None  # the lecture's, once the storyboard is asked for

    def reader(self, outline: Outline, language: Language | None = None) -> OnText:
        """The storyboard reply's `on_text`: starts each complete entry that fits the outline, its code
        asked in the lecture's `language` (as `Engine.write_code` will ask it)."""
        self.language = language
        items = ItemReader("sections")
        seen: list = []  # the complete entries at the last chunk

        def on_text(text: str) -> None:
            raw = items.read(text)
            if len(raw) > len(outline.sections):  # more sections than the outline: the reply will be refused
                self.stop()
                return
            for index in range(len(raw)):
                if index < len(seen) and seen[index] == raw[index]:
                    continue  # read at an earlier chunk
                section = _entry(raw[: index + 1], outline)
                if section is not None:
                    self._start(section)
            seen[:] = raw

        return on_text

    def _start(self, section: StoryboardSection) -> None:
        key = self._key(section)
        with self._lock:
            if key in self._started and key in self._wanted:
                return  # under way (a reply asked again that kept this entry)
            # Another version of this section (a reply asked again) is no longer wanted.
            self._wanted -= {k for k, (s, _f) in self._started.items() if s.id == section.id}
            self._wanted.add(key)
            client = self.client()
            future = coder.in_background(
                lambda s: coder.write_section_code(client, s, self.topic, language=self.language,
                                                   on_text=self._hang_up_unless(key, s)),
                [section])[0]
            self._started[key] = (section, future)
        report(self.progress, "code", "", SectionEvent(section.id, "writing", detail="from the storyboard's entry"))

    def settle(self, storyboard: Storyboard) -> None:
        """The storyboard is final (and its pictures placed): hang up the requests it does not ask for."""
        keep = {self._key(s) for s in storyboard.sections}
        with self._lock:
            self._wanted &= keep

    def take(self, section: StoryboardSection) -> Future | None:
        """The reply already asked for exactly this section's code request, or None."""
        key = self._key(section)
        with self._lock:
            started = self._started.get(key)
            return started[1] if started is not None and key in self._wanted else None

    def stop(self) -> None:
        """Hang up every request started here (an interrupt, a plan that failed)."""
        with self._lock:
            self._wanted.clear()

    @property
    def started(self) -> list[str]:
        """The ids of the sections whose request started early, in the order they started."""
        with self._lock:
            return [s.id for s, _f in self._started.values()]

    def _key(self, section: StoryboardSection) -> str:
        return request_key("", coder.code_request(section, self.topic, language=self.language))

    def _hang_up_unless(self, key: str, section: StoryboardSection) -> OnText:
        def on_text(text: str) -> None:
            if key not in self._wanted:
                raise Stopped
            if self.on_reply is not None:
                self.on_reply(section, text)

        return on_text


def _entry(raw: list, outline: Outline) -> StoryboardSection | None:
    """The last of the complete entries as the section it will be if the whole storyboard keeps it,
    or None when it could not start yet: it fails a check the whole storyboard would fail too, or
    it asks for pictures."""
    if len(raw) > len(outline.sections):
        return None
    try:
        section = Storyboard.from_dict({"sections": raw}).sections[-1]
        check_lecture_lines(Storyboard([section]))
    except (PlanError, ValueError, TypeError, KeyError, AttributeError):  # the whole reply's check says which
        return None
    if section.id != outline.sections[len(raw) - 1].id or assets.requests(section):
        return None
    return source_plan.carry_citations(Storyboard([section]), outline).sections[0]
