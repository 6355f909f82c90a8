"""Plain-text helpers shared by the apps."""

import unicodedata


def fold(text):
    """Lower-case text without accents: "Thérapie" and "therapie" both give "therapie".

    Stored search text and every search term go through this one function, so that free-text
    search gives the same answers on SQLite and PostgreSQL.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
