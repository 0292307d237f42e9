"""Password hashing with Argon2id (argon2-cffi's RFC 9106 low-memory profile)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# t=3, m=64 MiB, p=4, Argon2id: above OWASP's minimum (m=19 MiB, t=2, p=1).
hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


def generate_password() -> str:
    """A readable random password: four groups of five characters (about 100 bits)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


# --- Choosing a password (ASVS 6.2.1, 6.2.4) ----------------------------------------------

MIN_LENGTH = 12
MAX_LENGTH = 200

#: Passwords common in German that zxcvbn's (English) lists do not know, all lower case.
GERMAN_COMMON = (
    "passwort", "kennwort", "geheim", "hallo", "schatz", "schatzi", "sommer", "winter",
    "frühling", "herbst", "sonne", "sonnenschein", "fussball", "fußball", "bayern",
    "borussia", "schalke", "dortmund", "deutschland", "berlin", "hamburg", "münchen",
    "mausi", "hase", "hasi", "liebe", "ichliebedich", "blume", "engel", "katze", "hund",
    "schnecke", "spatz", "bienchen", "prinzessin", "willkommen", "anmeldung", "zugang",
    "rathaus", "gemeinde", "verwaltung", "bürgermeister", "stadtwerke", "energiewende",
    "kooperation", "interkommunal", "umfrage", "projektbüro", "qwertz", "qwertzu",
    "asdfgh", "ficken", "arschloch", "schwanz", "wurst", "kartoffel", "bier",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "dezember", "ikzsurvey",
)


def _common() -> frozenset[str]:
    """zxcvbn's 30,000 most used passwords (from leaks) and the German ones above."""
    global _COMMON
    if _COMMON is None:
        from zxcvbn.frequency_lists import FREQUENCY_LISTS

        _COMMON = frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(GERMAN_COMMON)
    return _COMMON


_COMMON: frozenset[str] | None = None


def _stem(password: str) -> str:
    """The password without what people add to meet a rule: case, and digits or
    punctuation at either end ("Passwort2024!" → "passwort")."""
    return password.lower().strip("0123456789!?.,;:_-+*#$%&@/()[]{}=~^°§\"' ")


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` may not be chosen, as a key of ``PASSWORD_PROBLEMS``; ``None`` if
    it may. ``user_inputs``: the account's e-mail address and what else is known about it
    (the cooperation's name), which a password must not be built from."""
    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    if password.lower() in _common() or _stem(password) in _common():
        return "common"
    from zxcvbn import zxcvbn

    words = [w for text in user_inputs for w in _words(text)]
    letters = _letters(password)
    for known in {_letters(text) for text in user_inputs}:
        # Mostly the address or the cooperation's name ("KooperationTalaue2026").
        if len(known) >= 4 and known in letters and len(letters) - len(known) < 8:
            return "guessable"
    # Mostly pieces of them ("Energiewende-Kooperation", "Oberes Talgebiet"): what is left
    # once every word of the address and the name is taken out.
    rest = letters
    for word in sorted({_letters(w) for w in words}, key=len, reverse=True):
        if len(word) >= 3:
            rest = rest.replace(word, "")
    if rest != letters and len(rest) < 8:
        return "guessable"
    # zxcvbn estimates the guesses an attacker needs, knowing dictionaries, keyboard
    # patterns, repetitions, dates and leetspeak; score 3 is "safely unguessable:
    # moderate protection from an offline slow-hash scenario" (its documentation).
    if zxcvbn(password[:100], user_inputs=[*words, *GERMAN_COMMON])["score"] < 3:
        return "guessable"
    return None


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _words(text: str) -> list[str]:
    import re

    return [text.lower(), *(w for w in re.split(r"[^\w]+", text.lower()) if len(w) >= 3)]
