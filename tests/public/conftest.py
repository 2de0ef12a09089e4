import pytest


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
