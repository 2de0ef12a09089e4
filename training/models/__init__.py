"""The training app's models, in three modules: the catalogue (courses, trainers,
sessions), enrolments, and sensitive needs with pending registrations."""

from training.models.catalogue import Course, Session, Trainer
from training.models.enrolments import ArchivedEnrolment, Enrolment, LegalBasis, ProcessorNotice
from training.models.needs import PendingRegistration, SensitiveNeeds

__all__ = [
    "ArchivedEnrolment",
    "Course",
    "Enrolment",
    "LegalBasis",
    "PendingRegistration",
    "ProcessorNotice",
    "SensitiveNeeds",
    "Session",
    "Trainer",
]
