"""The base of every form: WTForms' own messages in Chinese, and no NUL characters in what is stored."""
from flask_wtf import FlaskForm


def strip_nul(value):
    """PostgreSQL cannot store NUL in text; nobody means to type it."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta:
        locales = ["zh"]  # WTForms ships these translations; WTF_I18N_ENABLED is off so they are used

        def bind_field(self, form, unbound_field, options):
            filters = [*unbound_field.kwargs.get("filters", ()), strip_nul]
            return unbound_field.bind(form=form, **{**options, "filters": filters})
