"""Section cells: `%%c2v_section <lecture>/<section>` followed by the section's code.

The cell body is byte for byte the section's file (`sections/<id>.py`), header comment
included, so line numbers in errors, fixes and the editor all agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import assets
from ..coder import cited_part
from ..plan import StoryboardSection

MAGIC = "%%c2v_section"


def cell_source(lecture: str, section_id: str, code: str) -> str:
    return f"{MAGIC} {lecture}/{section_id}\n{code}"


def cell_metadata(lecture: str, section_id: str) -> dict:
    return {"code2video": {"lecture": lecture, "section": section_id}}


def cell_spec(lecture: str, section_id: str, code: str, views: Sequence = ()) -> dict:
    """One cell as the bridge sends it: {"source", "metadata", "outputs"}; `views` (the section's
    preview, already rendered) become its outputs, so the cell shows them without being run."""
    return {"source": cell_source(lecture, section_id, code), "metadata": cell_metadata(lecture, section_id),
            "outputs": [{"output_type": "display_data", "data": {"text/html": v.html, "text/plain": v.text},
                         "metadata": {}} for v in views]}


def parse_target(line: str) -> tuple[str, str]:
    """`<lecture>/<section>` from the magic's line; raises ValueError with the expected form."""
    target = line.strip().split()[0] if line.strip() else ""
    lecture, _, section = target.rpartition("/")
    if not lecture or not section:
        raise ValueError(f"expected `{MAGIC} <lecture>/<section>`, e.g. `{MAGIC} eigenvectors/2`; got {line.strip()!r}")
    return lecture, section


def cited_markdown(section: StoryboardSection, lead: str = "\n\n") -> str:
    """Which part of the teacher's notes a section covers, as Markdown ("" for a topic's lecture).
    The cell's own header says it in a comment line (`coder.section_header`)."""
    cited = cited_part(section)
    if not cited.get("part"):
        return ""
    return f"{lead}*From the notes, {cited['part']}:* {cited.get('excerpt', '')}"


def pictures_markdown(section: StoryboardSection, lead: str = "\n\n") -> str:
    """The section's pictures with their source and licence, as Markdown ("" without any)."""
    shown = [assets.credit(p) for p in assets.placed(section) if p.file]
    return f"{lead}*Pictures:* " + "; ".join(f"`{line.split(': ', 1)[0]}`: {line.split(': ', 1)[1]}"
                                               for line in shown) if shown else ""
