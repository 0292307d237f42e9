"""Review of the forms of cooperation that already exist between the partners.

A new inter-municipal cooperation (IKZ) builds on what the partners already do together: a
joint building yard, shared administrative services, joint procurement and so on. This set
asks how well each existing form works (one rating per form, ``dimension="existing"``,
``facet`` = the form; optional, with "Don't know", since not everyone knows every form), and
in the respondents' own words what works well and what does not. The steering group learns
which approaches to build on and what to avoid.
"""

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import PHASES, FreeText, Likert, QuestionSet, _, mean_score

FORMS_PAGE = _("Existing cooperation")
EXPERIENCE_PAGE = _("Your experience")

RATING_LABELS = (
    _("Very badly"),
    _("Rather badly"),
    _("Partly well, partly badly"),
    _("Rather well"),
    _("Very well"),
)

#: (form key, question)
FORMS = [
    ("building-yard", _("Joint building yard: how well does this cooperation work?")),
    (
        "admin-services",
        _("Shared administrative services, e.g. in an administrative association: how well "
          "does this cooperation work?"),
    ),
    ("procurement", _("Joint procurement: how well does this cooperation work?")),
    (
        "energy-management",
        _("Joint energy management of public buildings: how well does this cooperation work?"),
    ),
    (
        "climate-manager",
        _("Shared climate protection management: how well does this cooperation work?"),
    ),
    (
        "working-groups",
        _("Working groups across municipalities: how well does this cooperation work?"),
    ),
    (
        "special-purpose-association",
        _("Special-purpose association, e.g. for water supply: how well does this cooperation "
          "work?"),
    ),
]


def _questions():
    for form, question in FORMS:
        yield Likert(
            id=f"form-{form}",
            text=question,
            labels=RATING_LABELS,
            dont_know=True,
            required=False,
            section=FORMS_PAGE,
            dimension="existing",
            facet=form,
        )
    yield FreeText(
        id="other-forms",
        text=_("Which other forms of cooperation already exist between the partners?"),
        required=False,
        section=FORMS_PAGE,
    )
    yield FreeText(
        id="works-well",
        text=_("What works well in the existing cooperation?"),
        help=_("Please do not mention any names."),
        required=False,
        section=EXPERIENCE_PAGE,
    )
    yield FreeText(
        id="works-badly",
        text=_("What does not work well in the existing cooperation?"),
        help=_("Please do not mention any names."),
        required=False,
        section=EXPERIENCE_PAGE,
    )


COOPERATION_REVIEW = QuestionSet(
    id="cooperation-review",
    version=1,
    title=_("Existing cooperation between the partners"),
    description=_(
        "The partner municipalities already work together in some areas. Please rate the "
        "forms you know. Otherwise choose \"Don't know\" or skip the question."
    ),
    questions=list(_questions()),
    audiences=("employees", "council", "citizens"),
    phases=PHASES,
)


@hookimpl
def ikzsurvey_question_sets():
    return [COOPERATION_REVIEW]


@hookimpl
def ikzsurvey_scores(question_set, results):
    if question_set.id != COOPERATION_REVIEW.id:
        return None
    existing = [q.id for q in question_set.questions if q.dimension == "existing"]
    return [
        mean_score(
            "existing-rating",
            _("Rating of the existing cooperation"),
            results,
            existing,
            description=_("Mean rating of the existing forms of cooperation (1 to 5)."),
        )
    ]
