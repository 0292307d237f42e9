"""Expected benefits of the cooperation.

Showing the benefits is part of the success factor "participation", and the readiness to
evaluate is judged against the same benefits: efficiency, quality and range of services, a
more effective use of resources, the resilience of the municipalities and the options to
shape things. This set asks how far people expect each benefit (agreement items,
``dimension="benefit"``, one ``facet`` per benefit) and, optionally, which other benefits they
see. The steering group learns which benefits are seen, by whom, and which still need to be
shown.
"""

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import PHASES, FreeText, Likert, QuestionSet, _, mean_score

#: (facet, statement)
BENEFITS = [
    ("efficiency", _("The cooperation makes the work of the administrations more efficient.")),
    ("service-quality", _("The cooperation improves the quality of services for citizens.")),
    ("service-range", _("The cooperation helps to keep or extend the services offered locally.")),
    ("resources", _("The cooperation puts money, staff and equipment to better use.")),
    ("resilience", _("The cooperation makes the municipalities more resilient, e.g. in crises.")),
    ("shaping", _("The cooperation gives our municipality more options to shape things.")),
    ("expertise", _("The cooperation gives access to expertise we would not have alone.")),
    ("energy-transition", _("The cooperation speeds up the energy transition in our region.")),
]


def _questions():
    for facet, statement in BENEFITS:
        yield Likert(
            id=f"benefit-{facet}",
            text=statement,
            dont_know=True,
            dimension="benefit",
            facet=facet,
        )
    yield FreeText(
        id="other-benefits",
        text=_("Which other benefits do you expect from the cooperation?"),
        help=_("Please do not mention any names."),
        required=False,
    )


PERCEIVED_BENEFITS = QuestionSet(
    id="perceived-benefits",
    version=1,
    title=_("Expected benefits"),
    description=_(
        "What will the cooperation bring? How far do you agree with the following statements?"
    ),
    questions=list(_questions()),
    audiences=("employees", "council", "citizens"),
    phases=PHASES,
)


@hookimpl
def ikzsurvey_question_sets():
    return [PERCEIVED_BENEFITS]


@hookimpl
def ikzsurvey_scores(question_set, results):
    if question_set.id != PERCEIVED_BENEFITS.id:
        return None
    benefits = [q.id for q in question_set.questions if q.dimension == "benefit"]
    return [
        mean_score(
            "benefit-index",
            _("Benefit index"),
            results,
            benefits,
            description=_("Mean agreement with the expected benefits (1 = none, 5 = strong)."),
        )
    ]
