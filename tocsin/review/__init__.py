"""The post-crisis review (retour d'expérience), built from the workflow's history."""

from tocsin.review.build import build_review
from tocsin.review.history import HistoryError, RunHistory, fetch_chain, load_chain
from tocsin.review.model import Review

__all__ = ["HistoryError", "Review", "RunHistory", "build_review", "fetch_chain", "load_chain"]
