"""Tracked items: suggestions, proposals, letters, concerned cases and referrals, each to a rated reply."""
from flask import Blueprint

bp = Blueprint("items", __name__, url_prefix="/items")

from portal.items import models  # noqa: E402,F401 - the models belong to the schema even before routes exist
