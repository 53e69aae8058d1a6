import pytest

from bot.faq.decision import DecisionKind, RankedEntry, Thresholds, decide

T = Thresholds(answer=0.7, clarify=0.5)


def ranked(*scores: float) -> list[RankedEntry]:
    return [RankedEntry(f"e{i}", s, f"q{i}") for i, s in enumerate(scores)]


def test_above_the_answer_threshold_answers_the_best() -> None:
    decision = decide(ranked(0.8, 0.6), T)
    assert decision.kind is DecisionKind.ANSWER and decision.entry_id == "e0"


def test_between_thresholds_offers_up_to_three_plausible_options() -> None:
    decision = decide(ranked(0.65, 0.6, 0.55, 0.52, 0.4), T)
    assert decision.kind is DecisionKind.CLARIFY
    assert [o.entry_id for o in decision.options] == ["e0", "e1", "e2"]
    assert decision.entry_id is None


def test_options_below_the_clarify_threshold_are_not_offered() -> None:
    decision = decide(ranked(0.6, 0.3), T)
    assert [o.entry_id for o in decision.options] == ["e0"]


@pytest.mark.parametrize("scores", [(0.49, 0.3), ()])
def test_below_the_clarify_threshold_falls_back(scores: tuple[float, ...]) -> None:
    assert decide(ranked(*scores), T).kind is DecisionKind.FALLBACK


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="must not exceed"):
        Thresholds(answer=0.4, clarify=0.6)
