"""French PDF letters: templates with typed fields, reproducible A4 rendering, merging for the printer.

No Qt and no database here: ``backoffice.workflows.letters`` gathers the fields and archives the result.
"""

from backoffice.letters.fields import Field, Kind, MissingFields
from backoffice.letters.merge import merge_pdfs
from backoffice.letters.render import (
    LetterInput,
    RenderedLetter,
    from_archive,
    letterhead_from,
    prepare,
    render,
)
from backoffice.letters.templates import Letterhead, LetterTemplate, current_templates, get_template

__all__ = [
    "Field",
    "Kind",
    "LetterInput",
    "LetterTemplate",
    "Letterhead",
    "MissingFields",
    "RenderedLetter",
    "current_templates",
    "from_archive",
    "get_template",
    "letterhead_from",
    "merge_pdfs",
    "prepare",
    "render",
]
