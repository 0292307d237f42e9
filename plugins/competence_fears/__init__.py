"""Concerns about giving up competences, and the expected effect on one's own scope to act.

Fears — above all of giving up the power to decide and shape things locally — are among the
main obstacles to an inter-municipal cooperation (IKZ); reducing them is part of the success
factor "participation". This set asks how strongly people share each concern (agreement
items, ``dimension="fear"``, one ``facet`` per concern), how they expect the cooperation to
change their municipality's competence to decide and shape things (``dimension="effect"``),
and, optionally, what would reduce their concerns. The steering group sees which fears exist
where, and whether they shrink over time.
"""

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import PHASES, FreeText, Likert, QuestionSet, _, mean_score

#: (facet, statement, help or None, required)
FEARS = [
    (
        "decisions",
        _("I fear that our municipality will no longer make important decisions itself."),
        None,
        True,
    ),
    (
        "shaping",
        _("I fear that our municipality will have less room to shape things locally."),
        None,
        True,
    ),
    (
        "influence",
        _("I fear that our municipality will have too little influence in the cooperation."),
        None,
        True,
    ),
    (
        "larger-partners",
        _("I fear that larger partners will dominate the cooperation."),
        None,
        True,
    ),
    (
        "identity",
        _("I fear that our municipality will lose its own identity."),
        None,
        True,
    ),
    (
        "proximity",
        _("I fear that decisions will be made further away from the citizens."),
        None,
        True,
    ),
    (
        "own-role",
        _("I fear that I will lose my own tasks or my role at work."),
        _("Please answer only if you work in one of the partner administrations."),
        False,
    ),
]

EFFECT_LABELS = (
    _("Will weaken it a lot"),
    _("Will weaken it somewhat"),
    _("Will not change it"),
    _("Will strengthen it somewhat"),
    _("Will strengthen it a lot"),
)


def _questions():
    for facet, statement, help_text, required in FEARS:
        yield Likert(
            id=f"fear-{facet}",
            text=statement,
            help=help_text,
            required=required,
            dimension="fear",
            facet=facet,
        )
    yield Likert(
        id="effect-competence",
        text=_("How will the cooperation affect our municipality's ability to decide and shape "
               "things?"),
        labels=EFFECT_LABELS,
        dont_know=True,
        dimension="effect",
        facet="competence",
    )
    yield FreeText(
        id="reduce-concerns",
        text=_("What would reduce your concerns about the cooperation?"),
        help=_("Please do not mention any names."),
        required=False,
    )


COMPETENCE_FEARS = QuestionSet(
    id="competence-fears",
    version=1,
    title=_("Concerns about the cooperation"),
    description=_(
        "A cooperation can change who decides what. How far do you agree with the following "
        "statements? There are no right or wrong answers."
    ),
    questions=list(_questions()),
    audiences=("employees", "council", "citizens"),
    phases=PHASES,
)


@hookimpl
def ikzsurvey_question_sets():
    return [COMPETENCE_FEARS]


@hookimpl
def ikzsurvey_scores(question_set, results):
    if question_set.id != COMPETENCE_FEARS.id:
        return None
    fears = [q.id for q in question_set.questions if q.dimension == "fear"]
    return [
        mean_score(
            "fear-index",
            _("Fear index"),
            results,
            fears,
            description=_("Mean agreement with the concerns (1 = none, 5 = strong)."),
        )
    ]
