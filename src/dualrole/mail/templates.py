"""Rendering an outreach template: Jinja's sandbox, and a clear sentence for every mistake.

Templates are the owner's text with fields in ``{{ … }}`` (``{{ first_name }}``,
``{{ segment.objections[0] }}``, ``{% for p in segment.pain_points %}``). They render in
Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment` (no attribute of a Python object
beyond plain data, no file or module access) with :class:`~jinja2.StrictUndefined`, so a
field that does not exist is an error naming it, never an empty gap in a sent message.
The fields are :func:`dualrole.services.outreach.template_fields`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


class TemplateProblem(ValueError):
    """One sentence: what in the template cannot be rendered, and which fields exist."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render_text(text: str, fields: Mapping[str, Any], *, part: str = "body") -> str:
    try:
        return _ENV.from_string(text).render(dict(fields))
    except UndefinedError as exc:
        known = ", ".join(sorted(fields))
        raise TemplateProblem(
            f"The template's {part} uses a field that does not exist ({_undefined(exc)}); "
            f"the fields are: {known}."
        ) from None
    except TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"The template's {part} has a mistake on line {exc.lineno}: {exc.message}."
        ) from None
    except SecurityError:
        raise TemplateProblem(
            f"The template's {part} asks for something a template may not use."
        ) from None
    except TemplateError as exc:
        raise TemplateProblem(f"The template's {part} cannot be rendered: {exc}.") from None
    except (TypeError, ValueError, ZeroDivisionError, IndexError, KeyError) as exc:
        raise TemplateProblem(
            f"The template's {part} cannot be rendered: {type(exc).__name__}: {exc}."
        ) from None


def _undefined(exc: UndefinedError) -> str:
    text = str(exc.message or exc)
    return text.replace("'dict object' has no attribute", "no field").strip()


def render(subject: str, body: str, fields: Mapping[str, Any]) -> Rendered:
    """Subject (one line) and body, rendered."""
    rendered = render_text(subject, fields, part="subject")
    return Rendered(" ".join(rendered.split()), render_text(body, fields))
