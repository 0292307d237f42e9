"""Success factors of the cooperation: how important each one is, and how well it is met today.

An inter-municipal cooperation (IKZ) lasts when, besides binding steering and measurable
goals, the "soft" success factors are heeded: support, participation, trust, clear roles and
responsibilities, and the readiness to evaluate. Each factor has four items; every item is
asked twice — how important it is (facet ``importance``) and how well it is fulfilled today
(facet ``performance``). Comparing the two (an importance–performance view) shows the steering
group where the cooperation falls short on what matters most. Each factor is one page
(``section``) and one ``dimension``.
"""

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import PHASES, Likert, QuestionSet, _, mean_score

IMPORTANCE_LABELS = (
    _("Not important at all"),
    _("Slightly important"),
    _("Moderately important"),
    _("Important"),
    _("Very important"),
)

PERFORMANCE_LABELS = (
    _("Not fulfilled at all"),
    _("Hardly fulfilled"),
    _("Partly fulfilled"),
    _("Largely fulfilled"),
    _("Fully fulfilled"),
)

#: (factor key, page heading, [(item key, importance question, performance question)])
FACTORS = [
    (
        "support",
        _("Support"),
        [
            (
                "mayors",
                _("The mayors' will to shape the cooperation: how important is this?"),
                _("The mayors' will to shape the cooperation: how well is this fulfilled today?"),
            ),
            (
                "managers",
                _("Managers who win others over to the cooperation: how important is this?"),
                _("Managers who win others over to the cooperation: how well is this fulfilled "
                  "today?"),
            ),
            (
                "politics",
                _("Political support for the cooperation: how important is this?"),
                _("Political support for the cooperation: how well is this fulfilled today?"),
            ),
            (
                "state-federal",
                _("Support from the district, the state and the federal government: how "
                  "important is this?"),
                _("Support from the district, the state and the federal government: how well "
                  "is this fulfilled today?"),
            ),
        ],
    ),
    (
        "participation",
        _("Participation"),
        [
            (
                "early-involvement",
                _("Involving employees and council members early: how important is this?"),
                _("Involving employees and council members early: how well is this fulfilled "
                  "today?"),
            ),
            (
                "reducing-fears",
                _("Reducing fears, such as of giving up competences: how important is this?"),
                _("Reducing fears, such as of giving up competences: how well is this fulfilled "
                  "today?"),
            ),
            (
                "showing-benefits",
                _("Showing the benefits of the cooperation: how important is this?"),
                _("Showing the benefits of the cooperation: how well is this fulfilled today?"),
            ),
            (
                "showing-options",
                _("Showing how people can help shape the cooperation: how important is this?"),
                _("Showing how people can help shape the cooperation: how well is this "
                  "fulfilled today?"),
            ),
        ],
    ),
    (
        "trust",
        _("Trust"),
        [
            (
                "open-exchange",
                _("Open exchange between the partners as equals: how important is this?"),
                _("Open exchange between the partners as equals: how well is this fulfilled "
                  "today?"),
            ),
            (
                "compromise",
                _("Willingness to compromise: how important is this?"),
                _("Willingness to compromise: how well is this fulfilled today?"),
            ),
            (
                "challenges",
                _("Tackling growing challenges together: how important is this?"),
                _("Tackling growing challenges together: how well is this fulfilled today?"),
            ),
            (
                "strengths",
                _("Building on each partner's strengths: how important is this?"),
                _("Building on each partner's strengths: how well is this fulfilled today?"),
            ),
        ],
    ),
    (
        "roles",
        _("Clear roles and responsibilities"),
        [
            (
                "decision-powers",
                _("Clearly defined decision-making powers: how important is this?"),
                _("Clearly defined decision-making powers: how well is this fulfilled today?"),
            ),
            (
                "cost-sharing",
                _("Binding agreements on sharing the costs: how important is this?"),
                _("Binding agreements on sharing the costs: how well is this fulfilled today?"),
            ),
            (
                "time-for-roles",
                _("Time to clarify roles and tasks: how important is this?"),
                _("Time to clarify roles and tasks: how well is this fulfilled today?"),
            ),
            (
                "role-conflicts",
                _("Addressing role conflicts early: how important is this?"),
                _("Addressing role conflicts early: how well is this fulfilled today?"),
            ),
        ],
    ),
    (
        "evaluation",
        _("Readiness to evaluate"),
        [
            (
                "efficiency",
                _("Checking whether the work becomes more efficient: how important is this?"),
                _("Checking whether the work becomes more efficient: how well is this fulfilled "
                  "today?"),
            ),
            (
                "service",
                _("Checking the quality and range of services: how important is this?"),
                _("Checking the quality and range of services: how well is this fulfilled "
                  "today?"),
            ),
            (
                "resources",
                _("Measuring whether resources are used more effectively: how important is "
                  "this?"),
                _("Measuring whether resources are used more effectively: how well is this "
                  "fulfilled today?"),
            ),
            (
                "resilience",
                _("Checking whether the municipalities become more resilient: how important is "
                  "this?"),
                _("Checking whether the municipalities become more resilient: how well is this "
                  "fulfilled today?"),
            ),
        ],
    ),
]


def _questions():
    for factor, heading, items in FACTORS:
        for item, importance, performance in items:
            yield Likert(
                id=f"{factor}-{item}-importance",
                text=importance,
                labels=IMPORTANCE_LABELS,
                section=heading,
                dimension=factor,
                facet="importance",
            )
            yield Likert(
                id=f"{factor}-{item}-performance",
                text=performance,
                labels=PERFORMANCE_LABELS,
                dont_know=True,
                section=heading,
                dimension=factor,
                facet="performance",
            )


SUCCESS_FACTORS = QuestionSet(
    id="success-factors",
    version=1,
    title=_("Success factors of the cooperation"),
    description=_(
        "For each point, please rate how important it is for a successful cooperation and "
        "how well it is fulfilled today. If you cannot judge the second, choose "
        "\"Don't know\"."
    ),
    questions=list(_questions()),
    audiences=("employees", "council", "citizens"),
    phases=PHASES,
)


@hookimpl
def ikzsurvey_question_sets():
    return [SUCCESS_FACTORS]


#: One fulfilment index per success factor.
FACTOR_SCORES = {
    "support": _("Fulfilment index: support"),
    "participation": _("Fulfilment index: participation"),
    "trust": _("Fulfilment index: trust"),
    "roles": _("Fulfilment index: roles and responsibilities"),
    "evaluation": _("Fulfilment index: evaluation"),
}


@hookimpl
def ikzsurvey_scores(question_set, results):
    if question_set.id != SUCCESS_FACTORS.id:
        return None
    scores = []
    for factor, label in FACTOR_SCORES.items():
        items = [
            q.id
            for q in question_set.questions
            if q.dimension == factor and q.facet == "performance"
        ]
        scores.append(
            mean_score(
                f"fulfilment-{factor}",
                label,
                results,
                items,
                description=_("Mean of how well the factor's points are fulfilled (1 to 5)."),
            )
        )
    return scores
