"""Pinyin initials for searching categories by typing a few letters on a phone (井盖 → "jg")."""

from pypinyin import Style, lazy_pinyin


def pinyin_initials(name: str) -> str:
    """The first letter of each Chinese character's pinyin, lower case; other characters dropped.

    污水井盖 → "wsjg", 道路遗撒（洒） → "dlyss". Letters and digits in the name are kept as they are.
    """
    letters = []
    for syllable in lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars)):
        for char in syllable:
            if char.isascii() and char.isalnum():
                letters.append(char.lower())
    return "".join(letters)
