import datetime

import factory
from django.utils import timezone

from clients.models import ClientContact, Organisation
from trainees.models import Trainee
from training.models import Course, Enrolment, Session, Trainer


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Client {n}")
    registration_number = factory.Sequence(lambda n: f"{100000000 + n}")
    address = "1 rue du Client, 75002 Paris"
    relationship = Organisation.Relationship.ACTIVE


class ClientContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientContact

    organisation = factory.SubFactory(OrganisationFactory)
    surname = "Durand"
    first_name = factory.Sequence(lambda n: f"Contact{n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.example")


class TraineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainee

    surname = "Martin"
    first_name = factory.Sequence(lambda n: f"Trainee{n}")
    email = factory.Sequence(lambda n: f"trainee{n}@example.org")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"C-{n}")
    title = "Sauveteur secouriste du travail"
    duration_hours = 14


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    name = factory.Sequence(lambda n: f"Trainer {n}")
    email = factory.Sequence(lambda n: f"trainer{n}@example.org")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    end_date = factory.LazyAttribute(lambda s: s.start_date + datetime.timedelta(days=1))
    location = "Lyon"
    capacity = 10
    meals_provided = True


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """Writes the row directly: tests of the service itself call enrolment_create."""

    class Meta:
        model = Enrolment

    trainee = factory.SubFactory(TraineeFactory)
    session = factory.SubFactory(SessionFactory)
    source = Enrolment.Source.SELF
