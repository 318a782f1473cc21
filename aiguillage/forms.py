"""Form fields every app shares."""

from django import forms

from aiguillage.lib.phone import PhoneError, normalize_phone


class PhoneField(forms.CharField):
    """A telephone number, French by default, cleaned to its stored form (``03 86 12 34 56``)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "tel")
        self.widget.input_type = "tel"

    def to_python(self, value: object) -> str:
        text = super().to_python(value)
        if text in self.empty_values:
            return ""
        try:
            return normalize_phone(text)
        except PhoneError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
