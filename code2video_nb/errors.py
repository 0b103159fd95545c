"""Errors raised by the engine. Every message says what failed and what to do.

Code2VideoError
 ├── ConfigError            a missing key, an unknown option
 ├── ModelError             the model endpoint could not give a usable reply
 │    ├── EndpointError     unreachable endpoint, unknown model, refused key
 │    ├── ReplyFormatError  the reply stayed malformed after re-asking
 │    └── NotRecorded       a replayed recording holds no reply for this request
 ├── PlanError              an outline or storyboard that breaks the paper's format
 ├── RenderError            the lecture's videos could not be made or joined
 ├── NarrationError         a voice could not speak a line (time-out, the program failed)
 ├── SourceError            a teacher's notes too large, of an unknown kind, or unreadable
 ├── SceneFileError         a scene file that cannot be a section (not Python, no scene class, a syntax error)
 ├── AssetError             a picture that cannot be used (not a picture, too large, outside its folder)
 ├── SuggestionError        a critic suggestion that cannot be applied, undone or found
 │    └── StalePatch        the code no longer holds what the suggestion would change
 └── WorkspaceError         a lecture folder or file that cannot be read or written

A section whose code fails (an exception, a time-out, a safety finding) is not an
exception: it is a `RenderOutcome` with the error and its line, which auto-fix works on.
"""

from __future__ import annotations


class Code2VideoError(Exception):
    """Base class: catching it catches every engine failure."""


class ConfigError(Code2VideoError):
    pass


class ModelError(Code2VideoError):
    pass


class EndpointError(ModelError):
    pass


class ReplyFormatError(ModelError):
    pass


class NotRecorded(ModelError):
    """A recording (`--replay`) was asked something it never saw, e.g. to fix a user's edit."""

    def __init__(self, stage: str):
        self.stage = stage
        super().__init__(f"the recording holds no reply for this request (stage '{stage}'): it was made "
                         "for other input, such as another topic, other options or unedited code")


class PlanError(Code2VideoError):
    pass


class RenderError(Code2VideoError):
    def __init__(self, message: str, *, log: str = "", line: int | None = None):
        self.log = log
        self.line = line
        super().__init__(message)


class NarrationError(Code2VideoError):
    """espeak-ng timed out or failed on a line (a missing voice program is a ConfigError)."""


class SourceError(Code2VideoError):
    """Notes given with --from (or a cell body) that cannot make a lecture: one line naming the file."""


class SceneFileError(Code2VideoError):
    """A scene file given to `render FILE.py`, `import` or `%c2v open` that cannot be a section:
    one line naming the file (and its line, for a syntax error)."""


class AssetError(Code2VideoError):
    pass


class SuggestionError(Code2VideoError):
    pass


class StalePatch(SuggestionError):
    """The section's code changed where a suggestion would edit it: applying it is refused."""


class WorkspaceError(Code2VideoError):
    """A hand-broken lecture.json, a full disk, a read-only folder: one line naming the path."""
