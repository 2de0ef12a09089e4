import datetime

import pytest
from django.utils import timezone

from tests.factories import CourseFactory, SessionFactory


@pytest.fixture
def session(db):
    """An upcoming in-person session with meals and seats left."""
    start = timezone.localdate() + datetime.timedelta(days=20)
    return SessionFactory(
        course=CourseFactory(title="Sauveteur secouriste du travail", code="SST"),
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        location="Lyon",
        capacity=12,
        meals_provided=True,
        trainer="Nadia Benali",
    )


@pytest.fixture
def form_data():
    """What a person fills in, as the browser sends it."""
    return {
        "surname": "Lambert",
        "first_name": "Alice",
        "email": "Alice.Lambert@example.org",
        "phone": "+33 6 12 34 56 78",
        "postal_address": "3 rue des Lilas, 69003 Lyon",
        "registering_as": "individual",
        "employer_name": "",
        "occupation": "Technicienne",
        "diplomas_and_skills": "",
        "food_allergies": "",
        "disability_adaptations": "",
    }
