"""Questions the bot could not answer, kept so support staff can extend the FAQ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import DateTime, Engine, Float, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.db import Base
from bot.privacy import mask_pii


class UnansweredQuestion(Base):
    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(255), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)


@dataclass(frozen=True)
class QuestionCount:
    text: str
    language: str
    times: int
    last_asked: datetime


def record_unanswered(
    engine: Engine,
    conversation_id: str,
    text: str,
    language: str,
    intent: str | None = None,
    confidence: float | None = None,
) -> None:
    """Store one unanswered question; contact details in it are masked first."""
    with Session(engine) as session, session.begin():
        session.add(
            UnansweredQuestion(
                asked_at=datetime.now(timezone.utc),
                conversation_id=conversation_id,
                language=language,
                text=mask_pii(text.strip())[:2000],
                intent=intent,
                confidence=confidence,
            )
        )


def most_asked(engine: Engine, limit: int = 20, language: str | None = None) -> list[QuestionCount]:
    """The unanswered questions asked most often (case-insensitive), most frequent first."""
    key = func.lower(UnansweredQuestion.text)
    query = (
        select(
            func.min(UnansweredQuestion.text),
            UnansweredQuestion.language,
            func.count(),
            func.max(UnansweredQuestion.asked_at),
        )
        .group_by(key, UnansweredQuestion.language)
        .order_by(func.count().desc(), func.max(UnansweredQuestion.asked_at).desc())
        .limit(limit)
    )
    if language:
        query = query.where(UnansweredQuestion.language == language)
    with Session(engine) as session:
        return [QuestionCount(text, lang, times, last) for text, lang, times, last in session.execute(query)]
