"""Upload Prospects' questions: the regional format of the user's spreadsheet, asked when a
file's dates or numbers can be read two ways, and remembered for the user's next upload."""

from django import forms

from portal.accounts.models import DateOrder, DecimalMark
from portal.core.text import Form

from .regional import DATE_ORDER, DECIMAL_MARK, QUESTIONS


class RegionalFormatForm(Form):
    date_order = forms.ChoiceField(
        label=QUESTIONS[DATE_ORDER],
        choices=DateOrder.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    decimal_mark = forms.ChoiceField(
        label=QUESTIONS[DECIMAL_MARK],
        choices=DecimalMark.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    # The import that asked: answered, its kept file is imported again without choosing it.
    asked = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data=None, *, user):
        super().__init__(
            data,
            initial={
                "date_order": user.upload_date_order,
                "decimal_mark": user.upload_decimal_mark,
            },
        )
        self.user = user

    def remember(self) -> None:
        """The answers given become the user's: offered on the next upload."""
        changed = []
        for name, field in (
            ("date_order", "upload_date_order"),
            ("decimal_mark", "upload_decimal_mark"),
        ):
            answer = self.cleaned_data.get(name)
            if answer and getattr(self.user, field) != answer:
                setattr(self.user, field, answer)
                changed.append(field)
        if changed:
            self.user.save(update_fields=changed)
