class InvalidInput(ValueError):
    """A value a person typed or a file contained is not acceptable.

    The message names the field (``where``) and says what was wrong, in words a
    coach or trainer understands.
    """

    def __init__(self, message: str, where: str = ""):
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}" if where else message)


def first_refusal(model, data: dict, where: str):
    """``model.model_validate(data)``, or InvalidInput naming the first bad field
    (``plates.0.weight: …``) as a form shows it."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        at = ".".join(str(p) for p in err["loc"]) or where
        raise InvalidInput(err["msg"].removeprefix("Value error, "), at) from None
