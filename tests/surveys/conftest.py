import datetime
import re

import pytest
from django.utils import timezone

from core.models import OutboxEmail
from surveys.services import surveys_invite
from tests.factories import CourseFactory, EnrolmentFactory, SessionFactory, TraineeFactory


@pytest.fixture
def ended(db):
    """A two-day session that ended yesterday."""
    end = timezone.localdate() - datetime.timedelta(days=1)
    return SessionFactory(
        course=CourseFactory(title="Habilitation électrique", code="HAB"),
        start_date=end - datetime.timedelta(days=1),
        end_date=end,
    )


@pytest.fixture
def zoe(ended):
    """Zoé, a French-speaking trainee who attended the ended session."""
    trainee = TraineeFactory(first_name="Zoé", email="zoe@example.org", language="fr")
    return EnrolmentFactory(trainee=trainee, session=ended, status="completed")


def survey_path(email: str) -> str:
    """The survey link of the invitation emailed to this address."""
    body = OutboxEmail.objects.get(kind="survey.invitation", email=email).body
    return re.search(r"http://testserver(/survey/\S+/)", body).group(1)


@pytest.fixture
def zoe_link(zoe):
    surveys_invite(now=timezone.now())
    return survey_path("zoe@example.org")


GOOD = {
    "overall": "5",
    "objectives_met": "4",
    "trainer": "5",
    "would_recommend": "yes",
    "comment": "Très concret.",
}
