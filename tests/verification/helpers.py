"""MRZ and IBAN builders for hand-computed vectors (check digits computed, never copied)."""

from __future__ import annotations

from backoffice.checks.mrz import check_digit

SPECIMEN_TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


def td3(
    surname: str = "ERIKSSON",
    given: str = "ANNA<MARIA",
    number: str = "L898902C3",
    birth: str = "740812",
    sex: str = "F",
    expiry: str = "341215",
) -> str:
    line1 = f"P<UTO{surname}<<{given}".ljust(44, "<")
    personal = "ZE184226B".ljust(14, "<")
    line2 = (
        number.ljust(9, "<")
        + check_digit(number.ljust(9, "<"))
        + "UTO"
        + birth
        + check_digit(birth)
        + sex
        + expiry
        + check_digit(expiry)
        + personal
        + check_digit(personal)
    )
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return f"{line1}\n{line2}{check_digit(composite)}"


def old_french_card(
    surname: str = "BERTHIER",
    given: str = "CORINNE",
    issued_yymm: str = "1203",
    birth: str = "651206",
    sex: str = "F",
) -> str:
    line1 = f"IDFRA{surname}".ljust(30, "<") + "932051"
    number = f"{issued_yymm}93102858"
    line2 = number + check_digit(number) + given.ljust(14, "<") + birth + check_digit(birth) + sex
    return f"{line1}\n{line2}{check_digit(line1 + line2)}"


def french_iban(bban: str) -> str:
    """IBAN check digits computed by hand (ISO 13616 mod 97) around any BBAN, even one with a wrong RIB key."""
    digits = "".join(str(int(c, 36)) for c in bban + "FR00")
    return f"FR{98 - int(digits) % 97:02d}{bban}"
