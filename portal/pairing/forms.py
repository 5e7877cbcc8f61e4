"""Forms of the pairing pages: pair a leader with people picked from the register, end a pairing. Both days are
the days it happened, today unless the office enters it later."""
from wtforms import DateField
from wtforms.validators import InputRequired

from portal.forms import Form, IdListField


class PairForm(Form):
    deputy_ids = IdListField("结对的代表委员")  # the picker's chips; checked by the service
    since = DateField("结对日期", validators=[InputRequired("请填写结对日期，格式如 2025-03-01。")],
                      render_kw={"type": "date"})


class EndForm(Form):
    ended_on = DateField("结束日期", validators=[InputRequired("请填写结束日期，格式如 2025-03-01。")],
                         render_kw={"type": "date"})
