import numpy as np

from bot.faq.lexical import LexicalScorer, fold_diacritics

DOCS = ["Ile kosztuje dostawa?", "Jak zwrócić towar w sklepie?", "How much is delivery?", "Cât costă livrarea?"]


def test_folding_diacritics() -> None:
    assert fold_diacritics("Zażółć gęślą jaźń") == "zazolc gesla jazn"
    assert fold_diacritics("Cât costă livrarea în România?") == "cat costa livrarea in romania?"


def test_polish_without_diacritics_matches_the_polish_question() -> None:
    scores = LexicalScorer().fit(DOCS).scores(["ile kosztuje dostawa", "jak zwrocic towar"])
    assert np.argmax(scores[0]) == 0 and np.argmax(scores[1]) == 1


def test_unknown_words_score_low_everywhere() -> None:
    scores = LexicalScorer().fit(DOCS).scores(["polar bear life expectancy"])
    assert scores.max() < 0.2


def test_exact_question_scores_near_one() -> None:
    scores = LexicalScorer().fit(DOCS).scores(["Cât costă livrarea?"])
    assert scores[0, 3] > 0.8
