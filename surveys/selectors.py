"""Survey results for staff: averages, distribution, comments and response rate, per
session and per course, shown only once enough people answered."""

import dataclasses

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from surveys.models import SessionSurvey, SurveyAnswer

# Below five answers, one person's answer could be told apart (a trainer knows who
# was in a small group, and who was unhappy): nothing is shown but the counts.
MIN_ANSWERS = 5
SCORED = ("overall", "objectives_met", "trainer")


@dataclasses.dataclass(frozen=True)
class Score:
    label: str
    average: float | None
    counts: list[int]  # how many answered 1, 2, 3, 4, 5


@dataclasses.dataclass(frozen=True)
class Results:
    title: str
    invited: int
    answered: int
    scores: list[Score]
    recommend: int
    comments: list[str]

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_ANSWERS

    @property
    def rate(self) -> int | None:
        return round(100 * self.answered / self.invited) if self.invited else None


def _results(*, title: str, invited: int, answers: QuerySet[SurveyAnswer]) -> Results:
    totals = {"answered": Count("pk"), "recommend": Count("pk", filter=Q(would_recommend=True))}
    for field in SCORED:
        totals[f"{field}_avg"] = Avg(field)
        for n in range(1, 6):
            totals[f"{field}_{n}"] = Count("pk", filter=Q(**{field: n}))
    figures = answers.aggregate(**totals)
    shown = figures["answered"] >= MIN_ANSWERS
    scores = [
        Score(
            label=SurveyAnswer._meta.get_field(field).verbose_name,
            average=round(figures[f"{field}_avg"], 1) if shown else None,
            counts=[figures[f"{field}_{n}"] for n in range(1, 6)] if shown else [],
        )
        for field in SCORED
    ]
    # In alphabetical order: neither the key nor the order of storage says who wrote it.
    comments = (
        list(answers.exclude(comment="").order_by("comment").values_list("comment", flat=True))
        if shown
        else []
    )
    return Results(
        title=title,
        invited=invited,
        answered=figures["answered"],
        scores=scores,
        recommend=figures["recommend"] if shown else 0,
        comments=comments,
    )


def survey_results_overview() -> QuerySet[SessionSurvey]:
    """Every surveyed session, latest first, with ``answered``, in one query."""
    answered = (
        SurveyAnswer.objects.filter(session=OuterRef("session"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        SessionSurvey.objects.select_related("session__course")
        .annotate(answered=Coalesce(Subquery(answered, output_field=IntegerField()), 0))
        .order_by("-session__end_date", "session__course__title")
    )


def survey_results_for_session(*, session_id: int) -> Results | None:
    """One session's results (None if it was never surveyed)."""
    survey = SessionSurvey.objects.select_related("session__course").filter(session_id=session_id)
    survey = survey.first()
    if survey is None:
        return None
    session = survey.session
    title = f"{session.course.title} · {session.start_date:%d/%m/%Y} – {session.end_date:%d/%m/%Y}"
    answers = SurveyAnswer.objects.filter(session_id=session_id)
    return _results(title=title, invited=survey.invited, answers=answers)


def survey_results_for_course(*, course_id: int) -> Results | None:
    """One course's results over all its surveyed sessions (None if none was)."""
    surveys = SessionSurvey.objects.filter(session__course_id=course_id)
    first = surveys.select_related("session__course").first()
    if first is None:
        return None
    invited = surveys.aggregate(n=Coalesce(Sum("invited"), 0))["n"]
    answers = SurveyAnswer.objects.filter(session__course_id=course_id)
    return _results(title=first.session.course.title, invited=invited, answers=answers)
