"""How a trainee proves who they are when signing an attendance sheet on their own phone:
a personal link and a short code, both sent with their convocation, both derived from the
enrolment with a key of the server's, so nothing is stored and nobody can make another
person's."""

from django.core import signing
from django.utils.crypto import salted_hmac

_SALT = "training.attendance-signing"
# No 0/O or 1/I/L: the code is read on paper or a screen and typed on a phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def enrolment_signing_code(*, enrolment_id: int) -> str:
    """The enrolment's 8-character signing code."""
    digest = int.from_bytes(salted_hmac(_SALT, str(enrolment_id)).digest()[:8], "big")
    code = ""
    for _position in range(8):
        digest, index = divmod(digest, len(_ALPHABET))
        code += _ALPHABET[index]
    return code


def enrolment_signing_token(*, enrolment_id: int) -> str:
    """The token of the enrolment's personal signing link."""
    return signing.dumps({"enrolment": enrolment_id}, salt=_SALT)


def enrolment_from_signing_token(token: str) -> int:
    """The enrolment a personal signing link names; BadSignature if forged."""
    return int(signing.loads(token, salt=_SALT)["enrolment"])
