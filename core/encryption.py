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

Which key made a ciphertext is told by its signature (HMAC-SHA256 under that key's
derived signing key): the stored format carries no key id, so values written before
rotation existed need no migration, and a key is named in output only by its
fingerprint (``key_fingerprint``), never by itself.
"""

import dataclasses
import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import models
from django_cryptography.core.signing import BadSignature, FernetSigner
from django_cryptography.fields import EncryptedMixin
from django_cryptography.utils.crypto import FernetBytes, InvalidToken


class DecryptionError(Exception):
    """No configured key decrypts this value."""


ENCRYPTION_PURPOSE = b"formation-rgpd sensitive-data encryption"
SIGNATURE_PURPOSE = b"formation-rgpd sensitive-data signature"


def _derive(key: str, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
    return hkdf.derive(key.encode())


def _fernet_for(key: str) -> FernetBytes:
    return FernetBytes(
        _derive(key, ENCRYPTION_PURPOSE),
        signer=FernetSigner(key=_derive(key, SIGNATURE_PURPOSE)),
    )


def key_fingerprint(key: str) -> str:
    """A key's name in output, manifests and documentation: the first 8 hex digits of
    SHA-256 of its derived encryption key. Enough to tell a handful of keys apart; says
    nothing usable about the key."""
    return hashlib.sha256(_derive(key, ENCRYPTION_PURPOSE)).hexdigest()[:8]


@dataclasses.dataclass(frozen=True)
class Keyring:
    """The configured keys, derived once for a batch of work (rotation, counts, backup
    checks) rather than once per value; built again for each batch, so that the keys
    in settings are the ones used."""

    fernets: tuple[FernetBytes, ...]
    fingerprints: tuple[str, ...]

    @classmethod
    def configured(cls) -> "Keyring":
        keys = settings.CRYPTOGRAPHY_KEYS
        return cls(tuple(_fernet_for(k) for k in keys), tuple(key_fingerprint(k) for k in keys))

    def position(self, token: bytes) -> int | None:
        """The index in CRYPTOGRAPHY_KEY of the key that made ``token`` (its signature
        verifies under that key), or None if no configured key did."""
        for index, fernet in enumerate(self.fernets):
            try:
                fernet.signer.unsign(bytes(token))
            except BadSignature:
                continue
            return index
        return None

    def reencrypt(self, token: bytes, *, position: int) -> bytes:
        """``token`` (made with the key at ``position``) encrypted again with the first."""
        return self.fernets[0].encrypt(self.fernets[position].decrypt(bytes(token)))


def encrypt_text(value: str) -> bytes:
    return _fernet_for(settings.CRYPTOGRAPHY_KEYS[0]).encrypt(value.encode())


def decrypt_text(token: bytes) -> str:
    for key in settings.CRYPTOGRAPHY_KEYS:
        try:
            return _fernet_for(key).decrypt(token).decode()
        except (BadSignature, InvalidToken):
            continue
    raise DecryptionError("No key in CRYPTOGRAPHY_KEYS decrypts this value.")


def encrypted_fields() -> list[tuple[type[models.Model], list["EncryptedTextField"]]]:
    """Every model with encrypted columns, and those columns: found by walking the
    models, so that a new encrypted field is rotated, counted and checked in backups
    without being listed anywhere. Proxy and unmanaged models are skipped (their table
    is another model's, or not ours), and only a table's own columns are taken."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field
            for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if fields:
            found.append((model, fields))
    return found


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
        return name, "core.encryption.EncryptedTextField", args, kwargs

    def clone(self):
        name, path, args, kwargs = self.deconstruct()
        return self.__class__(*args, **kwargs)
