"""Encrypted model fields whose keys come from CRYPTOGRAPHY_KEYS only, never SECRET_KEY.

django-cryptography's ``encrypt()`` fields sign their ciphertext with a
``FernetSigner()`` built without a key, which falls back to ``SECRET_KEY``: rotating
``SECRET_KEY`` would make every allergy and disability value unreadable. This module is
the one place that wires the library's primitives (AES-CBC + HMAC-SHA256 in
``FernetBytes``/``FernetSigner``) to keys derived from ``settings.CRYPTOGRAPHY_KEYS``:

- each configured key yields two independent 32-byte keys with HKDF-SHA256, one to
  encrypt and one to sign, so neither depends on ``SECRET_KEY``;
- the first key encrypts; every key is tried to decrypt, so a new key can be put in
  front and old rows re-encrypted at leisure (rotation);
- keys are read from settings at each use, never frozen at import or cached (HKDF
  costs microseconds; a cache would hide which key is really in use).

Values are stored as the UTF-8 bytes of the text (no pickle).
"""

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models
from django_cryptography.core.signing import BadSignature, FernetSigner
from django_cryptography.fields import EncryptedMixin
from django_cryptography.utils.crypto import FernetBytes, InvalidToken


class DecryptionError(Exception):
    """No configured key decrypts this value."""


def _fernet_for(key: str) -> FernetBytes:
    def derive(purpose: bytes) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
        return hkdf.derive(key.encode())

    return FernetBytes(
        derive(b"formation-rgpd sensitive-data encryption"),
        signer=FernetSigner(key=derive(b"formation-rgpd sensitive-data signature")),
    )


def encrypt_text(value: str) -> bytes:
    return _fernet_for(settings.CRYPTOGRAPHY_KEYS[0]).encrypt(value.encode())


def decrypt_text(token: bytes) -> str:
    for key in settings.CRYPTOGRAPHY_KEYS:
        try:
            return _fernet_for(key).decrypt(token).decode()
        except (BadSignature, InvalidToken):
            continue
    raise DecryptionError("No key in CRYPTOGRAPHY_KEYS decrypts this value.")


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A text column stored as ciphertext; only ``isnull`` lookups are possible."""

    base_class = models.TextField
    wasinstance = True

    def _dump(self, value: str) -> bytes:
        return encrypt_text(value)

    def _load(self, value: bytes) -> str:
        return decrypt_text(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        # An empty text is no data: store NULL rather than the ciphertext of "".
        if value == "":
            value = None
        return super().get_db_prep_value(value, connection, prepared)

    def deconstruct(self):
        name, _path, args, kwargs = models.TextField.deconstruct(self)
        return name, "trainees.encryption.EncryptedTextField", args, kwargs

    def clone(self):
        name, path, args, kwargs = self.deconstruct()
        return self.__class__(*args, **kwargs)
