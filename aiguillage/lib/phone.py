"""Telephone numbers: French first (mainland and overseas), read with Google's libphonenumber.

A valid French number is kept in its national form with spaces
(``03 86 00 00 00``), which is what people read and what the national
exports turn into ``+33…``; a valid foreign number is kept in E.164
(``+32…``). Anything else is refused with a French message.
"""

import phonenumbers

# Overseas départements share the French national prefix 0 but have their own region in libphonenumber.
FRENCH_REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
INVALID = "Ce numéro de téléphone n'est pas valide. Exemple : 03 86 12 34 56."
MAX_INPUT = 40


class PhoneError(ValueError):
    """Why a number was refused, in French."""


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    regions = ("FR",) if value.startswith(("+", "00")) else FRENCH_REGIONS
    for region in regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return number
    return None


def normalize_phone(value: str) -> str:
    """The number in its stored form; raises PhoneError when it is not one valid telephone number."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    if len(text) > MAX_INPUT or not all(char.isdigit() or char in " +.-()/" for char in text):
        raise PhoneError(INVALID)
    number = _parse(text)
    if number is None:
        raise PhoneError(INVALID)
    if phonenumbers.region_code_for_number(number) in FRENCH_REGIONS:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def first_phone(text: str) -> str:
    """The first valid number found in a messy text ("03 86 … ou 06 …"), in its stored form, or ""."""
    for match in phonenumbers.PhoneNumberMatcher(text or "", "FR"):
        try:
            return normalize_phone(match.raw_string)
        except PhoneError:
            continue
    return ""


def to_e164(value: str) -> str:
    """A stored number in E.164 (+33…), or "" when it is not a valid number."""
    try:
        stored = normalize_phone(value)
    except PhoneError:
        return ""
    number = _parse(stored)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)) if number else ""
