"""Errors that domain functions raise; the API, views and commands turn them into clear answers."""


class DomainError(Exception):
    """A request the domain refuses (bad input, illegal transition). Shown to the user as is."""

    status = 400

    def __init__(self, message: str, *, details=None):
        super().__init__(message)
        self.message = message
        self.details = details


class NotAllowed(DomainError):
    """The actor's role or scope does not allow this."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The object changed under the caller (another operator acted first)."""

    status = 409
