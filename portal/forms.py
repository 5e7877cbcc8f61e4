"""The base of every form: WTForms' own messages in Chinese, and no control characters in what is stored.

A name with a control character in it would be stored, then break every download whose file name carries it;
NUL cannot be stored at all on PostgreSQL. Every text field drops them on the way in (portal.params.clean_text);
only text areas keep their line breaks and tabs. Date fields take years the portal can hold.

The small helpers below are what the areas' forms share: ``Required`` (the server's message, not the browser's),
``stripped`` and ``longest`` for text, ``IdListField`` for ids picked as chips.
"""
from functools import partial

from flask_wtf import FlaskForm
from wtforms import DateTimeField, Field, TextAreaField
from wtforms.validators import DataRequired, Length, StopValidation

from portal.params import MAX_YEAR, MIN_YEAR, clean_text, date_in_range, parse_ids


def years_in_range(form, field):
    """First in every date field's chain, so no later check computes with year 1 or 9999 (they overflow)."""
    if field.data is not None and not date_in_range(field.data):
        raise StopValidation(f"日期应在 {MIN_YEAR} 年至 {MAX_YEAR} 年之间，请检查年份。")


class Required(DataRequired):
    """DataRequired without the HTML ``required`` flag: the message comes from the server, in Chinese, beside the
    field, with everything else typed kept (a browser's own tooltip would stop the form before any of that)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.field_flags = {}


def stripped(value):
    """A filter: text without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


def longest(limit: int) -> Length:
    return Length(max=limit, message=f"不能超过 {limit} 个字。")


class IdListField(Field):
    """Ids sent as repeated fields (the deputy chips, ``deputy_ids=3&deputy_ids=9``); anything else is dropped."""

    def process_formdata(self, valuelist):
        self.data = parse_ids(valuelist)

    def _value(self):
        return self.data or []


class Form(FlaskForm):
    class Meta:
        locales = ["zh"]  # WTForms ships these translations; WTF_I18N_ENABLED is off so they are used

        def bind_field(self, form, unbound_field, options):
            multiline = issubclass(unbound_field.field_class, TextAreaField)
            options = {**options, "filters": [*unbound_field.kwargs.get("filters", ()),
                                              partial(clean_text, multiline=multiline)]}
            if issubclass(unbound_field.field_class, DateTimeField):  # DateField and DateTimeLocalField too
                options["validators"] = [years_in_range, *unbound_field.kwargs.get("validators", ())]
            return unbound_field.bind(form=form, **options)

    def set_errors(self, errors: dict[str, str]) -> None:
        """Show a service's field errors (``ServiceError.errors``) beside this form's fields."""
        for name, message in errors.items():
            if name in self._fields:
                self[name].errors = [message]
