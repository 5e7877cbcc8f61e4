"""Encryption at rest of the fields that must be read back (等保三级 数据保密性): today the two-factor secret.

Passwords, session tokens and recovery codes are only ever compared, so only their hashes are stored. A TOTP
secret must be read to compute the code, so it is encrypted instead: AES-256-GCM (``cryptography``'s AESGCM),
which also detects a changed or foreign value.

The key is ``DATA_KEY`` (PORTAL_DATA_KEY) or ``instance/data_key``, generated on first use like the audit key
(``create_app``), and never in the database or its backups: whoever copies the database or a backup reads no
secret. Several app servers share it through the setting. The AES key is derived from the setting with
HKDF-SHA256, so any long random string serves (``secrets.token_hex(32)`` is what the instance file holds).

A stored value reads ``v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>``. The key id (8 hex digits of a digest
derived from the key, not the key) tells "encrypted under another key" from "damaged". Each value is bound to its
place (``context``, e.g. ``user.totp_secret:12``) as associated data, so a value copied into another user's row
does not decrypt there.
"""
import base64
import hashlib
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

VERSION = "v1"
MIN_KEY_LENGTH = 32  # characters of the setting: a passphrase is no key (HKDF does not stretch it)
_NONCE_BYTES = 12


class DecryptError(Exception):
    """A stored value that cannot be decrypted with this key; ``wrong_key`` when it names another key."""

    def __init__(self, message: str, *, wrong_key: bool = False):
        super().__init__(message)
        self.wrong_key = wrong_key


def check_key(setting: str) -> None:
    """Refuse a data key too short to be one (create_app calls this at start, not at the first login)."""
    if len(setting.strip()) < MIN_KEY_LENGTH:
        raise RuntimeError(f"DATA_KEY (PORTAL_DATA_KEY) must be a random string of at least {MIN_KEY_LENGTH} "
                           "characters, e.g. python -c 'import secrets; print(secrets.token_hex(32))'")


@cache
def _derived(setting: str) -> tuple[AESGCM, str]:
    """The cipher and the key id of one data key setting."""
    material = setting.strip().encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal data key v1").derive(material)
    key_id = hashlib.sha256(b"portal data key id|" + key).hexdigest()[:8]
    return AESGCM(key), key_id


def _setting(key: str | None) -> str:
    return key if key is not None else current_app.config["DATA_KEY"]


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(VERSION + ".")


def key_id(key: str | None = None) -> str:
    """The id that values encrypted under this key (default: the app's DATA_KEY) carry."""
    return _derived(_setting(key))[1]


def encrypt(plaintext: str, context: str, *, key: str | None = None) -> str:
    """``plaintext`` encrypted for the place ``context`` under ``key`` (default: the app's DATA_KEY)."""
    cipher, kid = _derived(_setting(key))
    nonce = os.urandom(_NONCE_BYTES)
    sealed = cipher.encrypt(nonce, plaintext.encode(), context.encode())
    return f"{VERSION}.{kid}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def decrypt(value: str, context: str, *, key: str | None = None) -> str:
    """The plaintext of a value ``encrypt`` made for ``context``; DecryptError when it cannot be read."""
    cipher, kid = _derived(_setting(key))
    version, _, rest = value.partition(".")
    stored_kid, _, body = rest.partition(".")
    if version != VERSION or not body:
        raise DecryptError("not an encrypted value")
    if stored_kid != kid:
        raise DecryptError(f"encrypted under data key {stored_kid}, this server's is {kid}", wrong_key=True)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode()).decode()
    except (InvalidTag, ValueError) as error:
        raise DecryptError("the value is damaged or belongs to another record") from error
