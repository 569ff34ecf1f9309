class InvalidInput(ValueError):
    """A value a person typed or a file contained is not acceptable.

    The message names the field (``where``) and says what was wrong, in words a
    coach or trainer understands.
    """

    def __init__(self, message: str, where: str = ""):
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}" if where else message)
