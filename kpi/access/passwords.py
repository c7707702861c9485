"""Password hashing (salted scrypt, standard library only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt cost: 2**14 × 8 × 128 bytes = 16 MiB and ~50 ms per hash on a current CPU
SCRYPT_N, SCRYPT_R, SCRYPT_P, SALT_BYTES, HASH_BYTES = 2**14, 8, 1, 16, 32

# ---------------------------------------------------------------- password hashes


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p, HASH_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash; False for any malformed hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(
            password, base64.b64decode(salt, validate=True), int(n), int(r), int(p), len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with other parameters than today's."""
    return not stored.startswith(f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and 16 <= length <= 64):
        raise ValueError("scrypt parameters out of range")  # a damaged row must not cost a GiB
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=132 * r * (n + p + 2)
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def dummy_hash() -> str:
    """Checked against when the name is unknown, so that costs as much as a wrong password
    (today's parameters, a random digest that no password produces)."""
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_DUMMY_SALT}${_b64(bytes(HASH_BYTES))}"


_DUMMY_SALT = _b64(secrets.token_bytes(SALT_BYTES))
