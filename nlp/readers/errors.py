"""The one error a reader raises: the file is unusable, and the reason is meant for the user."""


class DocumentError(Exception):
    """A file that cannot be ingested. `reason` is a short Korean sentence shown to staff."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
