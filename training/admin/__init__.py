"""The training admin: courses, sessions and enrolments (``enrolments``), and the
logistics view of sensitive needs (``sensitive_needs``), trainers (``trainers``). Importing registers them."""

from training.admin import enrolments, sensitive_needs, trainers  # noqa: F401
