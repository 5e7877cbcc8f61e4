"""The deputy's choice of channels."""
from wtforms import BooleanField

from portal.forms import Form


class PreferenceForm(Form):
    sms = BooleanField("短信")
    email = BooleanField("电子邮件")
    greetings = BooleanField("接收节日问候等非工作类消息")
