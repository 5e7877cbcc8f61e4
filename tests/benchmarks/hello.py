"""The ceiling of `make bench`: a bare Flask app served by the same gunicorn, in the same run, as the portal.

Every page's requests/s and p95 are read as ratios to this app's, measured just before the page, so the machine's
speed and drift cancel out.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
