class DomainError(Exception):
    """The one error type services raise, with a message a counter clerk can read."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
