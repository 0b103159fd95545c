"""Errors raised by the engine. Every message says what failed and what to do.

Code2VideoError
 ├── ConfigError            a missing key, an unknown option
 ├── ModelError             the model endpoint could not give a usable reply
 │    ├── EndpointError     unreachable endpoint, unknown model, refused key
 │    └── ReplyFormatError  the reply stayed malformed after re-asking
 ├── PlanError              an outline or storyboard that breaks the paper's format
 ├── UnsafeCodeError        generated code does something a lecture never needs
 ├── RenderError            a section failed to render (carries the log and line)
 │    └── RenderTimeout     the scene ran past its time limit and was killed
 └── FixFailed              auto-fix ran out of attempts; the last error is attached
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


class PlanError(Code2VideoError):
    pass


class UnsafeCodeError(Code2VideoError):
    def __init__(self, findings):
        self.findings = list(findings)
        lines = "; ".join(f"line {f.line}: {f.message}" for f in self.findings)
        super().__init__(
            f"generated code was not run because it {lines}. "
            "Review it, then pass --trust (CLI) or trust=True to allow it."
        )


class RenderError(Code2VideoError):
    def __init__(self, message: str, *, log: str = "", line: int | None = None):
        self.log = log
        self.line = line
        super().__init__(message)


class RenderTimeout(RenderError):
    pass


class FixFailed(Code2VideoError):
    def __init__(self, message: str, *, last_error: RenderError | None = None):
        self.last_error = last_error
        super().__init__(message)
