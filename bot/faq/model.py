"""Typed model of the FAQ format that support staff write (see faq/README.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Ids are referenced from buttons and feedback: no spaces, reasonably short.
ENTRY_ID = re.compile(r"^\S{1,128}$")


def normalise_question(text: str) -> str:
    """The form in which two questions count as "the same question"."""
    return " ".join(text.casefold().split()).rstrip("?!. ")


class FaqEntryFile(BaseModel):
    """One entry as written in a file (validated strictly: unknown keys are errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    questions: dict[str, list[str]]
    answer: dict[str, str]
    tags: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    handoff: bool = False

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not ENTRY_ID.match(value):
            raise ValueError("must be 1 to 128 characters without spaces")
        return value


class FaqSectionFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    section: str | None = None
    title: dict[str, str] = Field(default_factory=dict)
    entries: list[FaqEntryFile]


class FaqEntry(BaseModel):
    """An entry of the loaded knowledge base, with where it came from."""

    model_config = ConfigDict(frozen=True)

    id: str
    section: str
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    tags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    handoff: bool = False
    source: Path
    line: int

    def answer_in(self, language: str, fallback: str = "en") -> tuple[str, str]:
        """The answer in `language`, else in `fallback`, else in any language; returns (text, language)."""
        for code in (language, fallback, *sorted(self.answer)):
            if code in self.answer:
                return self.answer[code], code
        raise KeyError(self.id)

    def all_questions(self) -> list[tuple[str, str]]:
        """Every (language, question) pair of the entry."""
        return [(lang, q) for lang, questions in sorted(self.questions.items()) for q in questions]


class FaqSection(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    title: dict[str, str]
    source: Path


@dataclass(frozen=True)
class KnowledgeBase:
    """Every entry of every section, in file order."""

    sections: tuple[FaqSection, ...]
    entries: tuple[FaqEntry, ...]
    by_id: dict[str, FaqEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {entry.id: entry for entry in self.entries})

    def get(self, entry_id: str) -> FaqEntry | None:
        return self.by_id.get(entry_id)

    def section_title(self, name: str, language: str) -> str:
        for section in self.sections:
            if section.name == name:
                return section.title.get(language) or section.title.get("en") or name
        return name
