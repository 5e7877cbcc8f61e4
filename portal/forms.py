"""The base of every form: WTForms' own messages in Chinese, and no control characters in what is stored.

A name with a control character in it would be stored, then break every download whose file name carries it;
NUL cannot be stored at all on PostgreSQL. Every text field drops them on the way in (portal.params.clean_text);
only text areas keep their line breaks and tabs. Date fields take years the portal can hold.
"""
from functools import partial

from flask_wtf import FlaskForm
from wtforms import DateTimeField, TextAreaField
from wtforms.validators import StopValidation

from portal.params import MAX_YEAR, MIN_YEAR, clean_text, date_in_range


def years_in_range(form, field):
    """First in every date field's chain, so no later check computes with year 1 or 9999 (they overflow)."""
    if field.data is not None and not date_in_range(field.data):
        raise StopValidation(f"日期应在 {MIN_YEAR} 年至 {MAX_YEAR} 年之间，请检查年份。")


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
