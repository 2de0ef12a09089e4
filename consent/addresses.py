"""How an email address is stored and compared across the product."""


def email_normalise(email: str) -> str:
    """Trimmed and lower-cased: one person, one address, whatever they typed."""
    return email.strip().lower()
