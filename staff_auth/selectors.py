"""Reads about a staff member's second factor."""

from django_otp import user_has_device


def second_factor_enrolled(*, user) -> bool:
    """Whether the user has a confirmed authenticator or recovery codes to sign in with."""
    return user_has_device(user, confirmed=True)
