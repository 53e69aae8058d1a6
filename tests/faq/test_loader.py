"""The FAQ loader tells support staff exactly what is wrong, and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.faq.loader import FaqInvalidError, load_knowledge_base, load_valid_knowledge_base
from bot.settings import PROJECT_ROOT

GOOD = """\
section: shipping
title: {en: Shipping, pl: Dostawa}
entries:
  - id: shipping-cost
    questions:
      en: [How much is delivery?, Is shipping free?]
      pl: [Ile kosztuje dostawa?]
    answer:
      en: Delivery costs 12 PLN.
      pl: Dostawa kosztuje 12 zł.
    tags: [delivery]
  - id: delivery-time
    questions:
      en: [How long does delivery take?]
    answer:
      en: One to two working days.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(folder: Path) -> list[str]:
    return [f"{p.file.name}:{p.line}: {p.message}" for p in load_knowledge_base(folder).problems]


def test_good_file_loads_with_sections_and_sources(tmp_path: Path) -> None:
    path = write(tmp_path, "shipping.yml", GOOD)
    result = load_knowledge_base(tmp_path)
    assert result.ok
    kb = result.knowledge_base
    assert [e.id for e in kb.entries] == ["shipping-cost", "delivery-time"]
    entry = kb.by_id["shipping-cost"]
    assert entry.section == "shipping" and entry.source == path and entry.line == 4
    assert entry.questions["pl"] == ("Ile kosztuje dostawa?",)
    assert kb.section_title("shipping", "pl") == "Dostawa"


def test_file_with_only_entries_takes_its_section_from_the_file_name(tmp_path: Path) -> None:
    write(tmp_path, "returns.yml", "entries:\n  - id: r\n    questions: {en: [Can I return?]}\n    answer: {en: Yes.}\n")
    kb = load_valid_knowledge_base(tmp_path)
    assert kb.entries[0].section == "returns"


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "broken.yml", GOOD.replace("    answer:\n      en: One", "    answer:\n     en: [One"))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("broken.yml:17: malformed YAML")
    assert "line 16" in problem  # where the unclosed '[' was opened


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("    tags: [delivery]", "    tags: [delivery]\n    colour: red"), "shipping.yml:12: unknown key 'colour' (entry 'shipping-cost')"),
        (("      pl: Dostawa kosztuje 12 zł.", "      pl: '  '"), "shipping.yml:10: entry 'shipping-cost': empty answer in 'pl'"),
        (("      pl: Dostawa kosztuje 12 zł.\n", ""), "shipping.yml:7: entry 'shipping-cost' has questions in 'pl' but no answer in 'pl'"),
        (("  - id: delivery-time", "  - id: shipping-cost"), "shipping.yml:12: duplicate id 'shipping-cost' (first used at"),
        (("      en: [How long does delivery take?]", "      en: [how much is delivery]"), "shipping.yml:14: question \"how much is delivery\" is under entry 'delivery-time' and also under entry 'shipping-cost'"),
        (("      en: [How long does delivery take?]", "      de: [Wie lange?]\n      en: [How long?]"), "shipping.yml:14: entry 'delivery-time': unknown language 'de'"),
        (("    answer:\n      en: One", "    answer:\n      en: One\n    answer:\n      en: One"), "shipping.yml:17: key 'answer' appears twice here"),
    ],
)
def test_each_problem_is_named_with_its_line(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    assert edit[0] in GOOD
    write(tmp_path, "shipping.yml", GOOD.replace(edit[0], edit[1]))
    problems = problems_of(tmp_path)
    assert any(p.startswith(expected) for p in problems), problems


def test_same_question_in_two_files_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", GOOD)
    write(tmp_path, "b.yml", "entries:\n  - id: other\n    questions: {en: [Is shipping FREE?]}\n    answer: {en: No.}\n")
    problems = problems_of(tmp_path)
    assert any(p.startswith("b.yml:3: question \"Is shipping FREE?\"") and "a.yml:6" in p for p in problems), problems


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", GOOD.replace("    tags: [delivery]", "    tag: [delivery]"))
    write(tmp_path, "b.yml", "entries: [\n")
    with pytest.raises(FaqInvalidError) as error:
        load_valid_knowledge_base(tmp_path)
    assert {p.file.name for p in error.value.problems} == {"a.yml", "b.yml"}


def test_empty_and_wrongly_shaped_files(tmp_path: Path) -> None:
    write(tmp_path, "empty.yml", "")
    write(tmp_path, "list.yml", "- just\n- a list\n")
    write(tmp_path, "noentries.yml", "title: {en: x}\n")
    problems = problems_of(tmp_path)
    assert "empty.yml:1: the file is empty (expected 'entries:')" in problems
    assert "list.yml:1: expected a mapping with 'entries:' at the top level" in problems
    assert "noentries.yml:1: missing 'entries'" in problems


def test_shared_evaluation_sets_load() -> None:
    for name, size in [("banking77", 77), ("bitext-support", 27)]:
        kb = load_valid_knowledge_base(PROJECT_ROOT.parent / "shared" / "eval" / name / "faq.yml")
        assert len(kb.entries) == size
