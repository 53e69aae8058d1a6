"""Read the FAQ's YAML files into a knowledge base, reporting every problem with file and line.

ruamel.yaml (YAML 1.2) rather than PyYAML: PyYAML rejects the natural
`en: [How much is delivery?, Is shipping free?]` because YAML 1.1 ends a plain
scalar at '?' inside brackets.

Support staff edit these files by hand, so errors must say where and what in
plain words ("faq/shipping.yml:14: entry 'shipping-cost' has questions in 'pl'
but no answer in 'pl'"), and all problems are reported at once, not the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.faq.model import FaqEntry, FaqSection, FaqSectionFile, KnowledgeBase, normalise_question

SUPPORTED_LANGUAGES = ("en", "pl", "ro")
FAQ_SUFFIXES = (".yml", ".yaml")

Path_ = tuple[Any, ...]


@dataclass(frozen=True, order=True)
class FaqProblem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class LoadResult:
    knowledge_base: KnowledgeBase
    problems: tuple[FaqProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class FaqInvalidError(Exception):
    """The FAQ has problems; `problems` lists them all."""

    def __init__(self, problems: Iterable[FaqProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def faq_files(path: Path) -> list[Path]:
    """The FAQ files under `path` (a file or a folder), in a stable order."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no FAQ file or folder at {path}")
    return sorted(p for p in path.rglob("*") if p.suffix in FAQ_SUFFIXES and p.is_file() and not p.name.startswith("."))


class _NodeReader:
    """Builds plain Python data from YAML nodes, remembering the line of every value."""

    def __init__(self, file: Path, yaml: YAML) -> None:
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.problems: list[FaqProblem] = []
        self._yaml = yaml

    def read(self, node: Node, path: Path_ = ()) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.read(key_node, path + ("<key>",))
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self.problems.append(FaqProblem(self.file, key_node.start_mark.line + 1, "a key must be plain text"))
                    continue
                if key in result:
                    self.problems.append(
                        FaqProblem(self.file, key_node.start_mark.line + 1, f"key '{key}' appears twice here")
                    )
                result[key] = self.read(value_node, path + (key,))
            return result
        if isinstance(node, SequenceNode):
            return [self.read(item, path + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._yaml.constructor.construct_object(node, deep=True)

    def line_of(self, path: Path_) -> int:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


def _describe_location(path: Path_, data: Any) -> str:
    """'entry 'shipping-cost', answer.pl' from a path like ('entries', 3, 'answer', 'pl')."""
    if len(path) >= 2 and path[0] == "entries" and isinstance(path[1], int):
        entries = data.get("entries") if isinstance(data, dict) else None
        entry_id = None
        if isinstance(entries, list) and path[1] < len(entries) and isinstance(entries[path[1]], dict):
            entry_id = entries[path[1]].get("id")
        where = f"entry '{entry_id}'" if entry_id else f"entry #{path[1] + 1}"
        rest = ".".join(str(p) for p in path[2:])
        return f"{where}, {rest}" if rest else where
    return ".".join(str(p) for p in path) or "the file"


def _pydantic_problems(file: Path, error: ValidationError, reader: _NodeReader, data: Any) -> list[FaqProblem]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        line = reader.line_of(loc)
        if item["type"] == "extra_forbidden":
            where = _describe_location(loc[:-1], data) if loc[:-1] else "top level"
            allowed = (
                "id, questions, answer, tags, links, handoff" if len(loc) >= 3 and loc[0] == "entries"
                else "section, title, entries"
            )
            message = f"unknown key '{loc[-1]}' ({where}); allowed keys: {allowed}"
        elif item["type"] == "missing":
            message = f"missing '{loc[-1]}' ({_describe_location(loc[:-1], data)})" if len(loc) > 1 else f"missing '{loc[-1]}'"
        else:
            message = f"{_describe_location(loc, data)}: {item['msg'].lower()}"
        problems.append(FaqProblem(file, line, message))
    return problems


def _entry_problems(
    file: Path, index: int, entry: Any, reader: _NodeReader, languages: tuple[str, ...]
) -> list[FaqProblem]:
    problems = []
    at = ("entries", index)
    name = f"entry '{entry.id}'"
    for lang in sorted(set(entry.questions) | set(entry.answer)):
        if lang not in languages:
            line = reader.line_of(at + ("questions", lang) if lang in entry.questions else at + ("answer", lang))
            problems.append(FaqProblem(file, line, f"{name}: unknown language '{lang}' (use one of: {', '.join(languages)})"))
    for lang, questions in entry.questions.items():
        if lang not in entry.answer:
            problems.append(FaqProblem(file, reader.line_of(at + ("questions", lang)),
                                       f"{name} has questions in '{lang}' but no answer in '{lang}'"))
        if not questions:
            problems.append(FaqProblem(file, reader.line_of(at + ("questions", lang)), f"{name}: no questions in '{lang}'"))
        for i, question in enumerate(questions):
            if not question.strip():
                problems.append(FaqProblem(file, reader.line_of(at + ("questions", lang, i)), f"{name}: empty question in '{lang}'"))
    for lang, answer in entry.answer.items():
        if not answer.strip():
            problems.append(FaqProblem(file, reader.line_of(at + ("answer", lang)), f"{name}: empty answer in '{lang}'"))
        elif lang not in entry.questions:
            problems.append(FaqProblem(file, reader.line_of(at + ("answer", lang)),
                                       f"{name} has an answer in '{lang}' but no questions in '{lang}'"))
    if not entry.questions:
        problems.append(FaqProblem(file, reader.line_of(at), f"{name} has no questions"))
    return problems


def load_knowledge_base(path: Path, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> LoadResult:
    """Load every FAQ file under `path`; problems are collected, never raised."""
    sections: list[FaqSection] = []
    entries: list[FaqEntry] = []
    problems: list[FaqProblem] = []
    seen_ids: dict[str, FaqEntry] = {}
    seen_questions: dict[str, tuple[str, Path, int]] = {}

    for file in faq_files(path):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            problems.append(FaqProblem(file, 1, f"not UTF-8 text ({error.reason} at byte {error.start})"))
            continue
        yaml = YAML(typ="safe", pure=True)
        try:
            node = yaml.compose(text)
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            message = f"malformed YAML: {error.problem or error.context}"
            if error.context and error.context_mark and error.context_mark is not mark:
                message += f" ({error.context} at line {error.context_mark.line + 1})"
            problems.append(FaqProblem(file, line, message))
            continue
        if node is None:
            problems.append(FaqProblem(file, 1, "the file is empty (expected 'entries:')"))
            continue
        reader = _NodeReader(file, yaml)
        data = reader.read(node)
        problems.extend(reader.problems)
        if not isinstance(data, dict):
            problems.append(FaqProblem(file, 1, "expected a mapping with 'entries:' at the top level"))
            continue
        try:
            parsed = FaqSectionFile.model_validate(data)
        except ValidationError as error:
            problems.extend(_pydantic_problems(file, error, reader, data))
            continue

        section_name = parsed.section or file.stem
        sections.append(FaqSection(name=section_name, title=parsed.title or {"en": section_name}, source=file))
        for index, raw in enumerate(parsed.entries):
            entry_problems = _entry_problems(file, index, raw, reader, languages)
            problems.extend(entry_problems)
            line = reader.line_of(("entries", index))
            if raw.id in seen_ids:
                first = seen_ids[raw.id]
                problems.append(FaqProblem(file, reader.line_of(("entries", index, "id")),
                                           f"duplicate id '{raw.id}' (first used at {first.source}:{first.line})"))
                continue
            entry = FaqEntry(
                id=raw.id, section=section_name,
                questions={lang: tuple(q.strip() for q in qs) for lang, qs in raw.questions.items()},
                answer={lang: a.strip() for lang, a in raw.answer.items()},
                tags=tuple(raw.tags), links=tuple(raw.links), handoff=raw.handoff, source=file, line=line,
            )
            seen_ids[raw.id] = entry
            for lang, questions in raw.questions.items():
                for i, question in enumerate(questions):
                    key = normalise_question(question)
                    if not key:
                        continue
                    owner = seen_questions.get(key)
                    if owner and owner[0] != raw.id:
                        problems.append(FaqProblem(
                            file, reader.line_of(("entries", index, "questions", lang, i)),
                            f"question \"{question.strip()}\" is under entry '{raw.id}' and also under "
                            f"entry '{owner[0]}' ({owner[1]}:{owner[2]}); keep it in one entry",
                        ))
                    elif not owner:
                        seen_questions[key] = (raw.id, file, reader.line_of(("entries", index, "questions", lang, i)))
            if not entry_problems:
                entries.append(entry)

    if not problems and not entries:
        problems.append(FaqProblem(path, 1, "no FAQ entries found"))
    return LoadResult(KnowledgeBase(tuple(sections), tuple(entries)), tuple(sorted(problems)))


def load_valid_knowledge_base(path: Path, languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> KnowledgeBase:
    """Load the FAQ or raise FaqInvalidError listing every problem."""
    result = load_knowledge_base(path, languages)
    if result.problems:
        raise FaqInvalidError(result.problems)
    return result.knowledge_base
