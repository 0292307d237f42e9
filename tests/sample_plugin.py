"""A plugin used by the tests: one question set with every built-in kind, on two pages."""

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import (
    FreeText,
    Likert,
    LocalizedText,
    MultipleChoice,
    Number,
    QuestionSet,
    SingleChoice,
)

PAGE_ONE = LocalizedText({"de": "Teil eins", "en": "Part one"})
PAGE_TWO = LocalizedText({"de": "Teil zwei", "en": "Part two"})

SAMPLE = QuestionSet(
    id="sample",
    version=1,
    title=LocalizedText({"de": "Beispielfragen", "en": "Sample questions"}),
    questions=[
        Likert(
            id="trust",
            text=LocalizedText({"de": "Ich vertraue den Partnern.", "en": "I trust the partners."}),
            dont_know=True,
            section=PAGE_ONE,
            dimension="trust",
        ),
        SingleChoice(
            id="owner",
            text=LocalizedText({"de": "Wer soll Eigentümer sein?", "en": "Who should own it?"}),
            options=[("town", "Gemeinde"), ("coop", "Genossenschaft")],
            section=PAGE_ONE,
        ),
        MultipleChoice(
            id="goals",
            text=LocalizedText({"de": "Welche Ziele?", "en": "Which goals?"}),
            options=[("heat", "Wärme"), ("sun", "Sonne"), ("wind", "Wind")],
            max_choices=2,
            required=False,
            section=PAGE_TWO,
        ),
        Number(id="years", text="Jahre / years", min=0, max=120, required=False, section=PAGE_TWO),
        FreeText(
            id="remarks",
            text="Anmerkungen / remarks",
            max_length=200,
            required=False,
            section=PAGE_TWO,
        ),
    ],
)


class SamplePlugin:
    @hookimpl
    def ikzsurvey_question_sets(self):
        return [SAMPLE]
