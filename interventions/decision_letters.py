"""The decisions taken with their letter (suspension, resumption, cessation), read by the letters, which refuse
to issue such a letter on its own, and by the policy's order on the steps (interventions.intercession)."""

from __future__ import annotations

from hrddp.models import State
from interventions.models import Letter, LetterKind

# The decisions taken with their letter, and the states each is taken from.
DECISION_LETTERS = {LetterKind.SUSPENSION: "suspend", LetterKind.RESUMPTION: "resume", LetterKind.CESSATION: "cease"}
STEP_LETTER = {step: kind for kind, step in DECISION_LETTERS.items()}
STEP_SOURCES = {
    "suspend": {State.INTERCESSION}, "resume": {State.SUSPENDED}, "cease": {State.INTERCESSION, State.SUSPENDED},
}
# How each decision reads in a sentence, and on the button that issues its letter.
STEP_WORDS = {"suspend": "suspension", "resume": "resumption", "cease": "ceasing support"}
# What issuing the letter does, in a sentence: "issuing it suspends support".
STEP_EFFECTS = {"suspend": "suspends support", "resume": "resumes support", "cease": "ceases support"}
STEP_BUTTONS = {
    "suspend": "Sign, issue the letter and suspend support",
    "resume": "Sign, issue the letter and resume support",
    "cease": "Sign, issue the letter and cease support",
}


def decision_step_pending(letter: Letter) -> str | None:
    """The step a decision letter is to be issued with, when the engagement is where that step is taken (a
    correction of an issued letter is issued on its own)."""
    step = DECISION_LETTERS.get(letter.kind)
    if step is None or letter.corrects_id is not None or letter.engagement.state not in STEP_SOURCES[step]:
        return None
    return step
