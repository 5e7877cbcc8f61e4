"""The form of one section: its heading and its text (prose with figure fields), at the version it was opened."""
from wtforms import StringField, TextAreaField

from portal.forms import Form, Required, longest, stripped
from portal.summary.services import MAX_TEXT, MAX_TITLE
from portal.versioning import VersionField


class SectionForm(Form):
    version = VersionField()
    title = StringField("本节标题", filters=[stripped], validators=[Required("请填写本节标题。"), longest(MAX_TITLE)])
    text = TextAreaField("正文", validators=[longest(MAX_TEXT)], render_kw={"rows": 9})


class RestoreForm(Form):
    version = VersionField()  # the section's version when the versions page was opened
