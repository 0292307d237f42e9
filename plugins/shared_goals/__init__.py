"""Shared goals: why the cooperation matters, shared convictions, goal areas, diverging goals.

An inter-municipal cooperation (IKZ) starts with a dialogue at eye level: why is it important
for us, which core beliefs do the partners share, and are their (sub-)goals common or
diverging? "Ask about interests again and again" — so this set is meant to be repeated. It
asks how much the cooperation matters and why (``dimension="importance"``), how far core
convictions are shared (``dimension="beliefs"``), which goal areas matter most (at most
three), and where goals may diverge (``dimension="divergence"``: higher means more
divergence). Councils and the steering group see where partners agree and where they do not.
"""

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import (
    PHASES,
    FreeText,
    Likert,
    MultipleChoice,
    QuestionSet,
    SingleChoice,
    _,
    mean_score,
)

WHY = _("Why the cooperation matters")
BELIEFS = _("Shared convictions")
GOALS = _("Goals")

IMPORTANCE_LABELS = (
    _("Not important at all"),
    _("Slightly important"),
    _("Moderately important"),
    _("Important"),
    _("Very important"),
)

REASONS = [
    ("costs", _("Saving costs")),
    ("services", _("Keeping good services locally")),
    ("energy-transition", _("Moving the energy transition forward")),
    ("capacity", _("Handling tasks we cannot manage alone")),
    ("staff", _("Finding and keeping qualified staff")),
    ("region", _("Strengthening the region as a whole")),
    ("other", _("Another reason")),
]

#: (facet, statement)
CONVICTIONS = [
    (
        "energy-transition",
        _("The partner municipalities share the same basic convictions about the energy "
          "transition."),
    ),
    ("together", _("The partners agree that some tasks are better done together than alone.")),
    ("equal-say", _("The partners agree that every municipality should have a say, whatever its "
                    "size.")),
    ("citizens", _("The partners agree that citizens should take part in the energy transition.")),
]

GOAL_AREAS = [
    ("energy-planning", _("Joint energy and heat planning")),
    ("renewables", _("Generating renewable energy, e.g. solar or wind")),
    ("public-buildings", _("Energy efficiency of public buildings")),
    ("street-lighting", _("Energy-saving street lighting")),
    ("mobility", _("Climate-friendly mobility")),
    ("shared-staff", _("Sharing staff and expertise")),
    ("funding", _("Applying for funding together")),
    ("participation", _("Involving citizens")),
    ("climate-adaptation", _("Adapting to climate change")),
    ("digitalisation", _("Digital administration")),
]

#: (facet, statement)
DIVERGENCE = [
    ("own-goals", _("Our municipality's goals for the cooperation differ from those of the "
                    "partners.")),
    ("expectations", _("Some partners expect much more from the cooperation than others.")),
    ("conflicts", _("Some goals of the partners contradict each other.")),
]


def _questions():
    yield Likert(
        id="importance",
        text=_("How important is the cooperation to you?"),
        labels=IMPORTANCE_LABELS,
        section=WHY,
        dimension="importance",
    )
    yield SingleChoice(
        id="main-reason",
        text=_("What is the main reason the cooperation matters to you?"),
        options=REASONS,
        required=False,
        section=WHY,
    )
    yield FreeText(
        id="why",
        text=_("In your own words: why is the cooperation important, or why not?"),
        help=_("Please do not mention any names."),
        required=False,
        section=WHY,
    )
    for facet, statement in CONVICTIONS:
        yield Likert(
            id=f"belief-{facet}",
            text=statement,
            dont_know=True,
            section=BELIEFS,
            dimension="beliefs",
            facet=facet,
        )
    yield MultipleChoice(
        id="goal-areas",
        text=_("Which goal areas matter most for the cooperation? Choose up to three."),
        options=GOAL_AREAS,
        max_choices=3,
        section=GOALS,
    )
    for facet, statement in DIVERGENCE:
        yield Likert(
            id=f"divergence-{facet}",
            text=statement,
            dont_know=True,
            section=GOALS,
            dimension="divergence",
            facet=facet,
        )
    yield FreeText(
        id="divergence-where",
        text=_("Where do you see different goals or interests among the partners?"),
        help=_("Please do not mention any names."),
        required=False,
        section=GOALS,
    )


SHARED_GOALS = QuestionSet(
    id="shared-goals",
    version=1,
    title=_("Shared goals"),
    description=_(
        "A good cooperation needs goals that all partners support. These questions ask what "
        "the cooperation means to you and where you see common ground."
    ),
    questions=list(_questions()),
    audiences=("employees", "council", "citizens"),
    phases=PHASES,
)


@hookimpl
def ikzsurvey_question_sets():
    return [SHARED_GOALS]


@hookimpl
def ikzsurvey_scores(question_set, results):
    if question_set.id != SHARED_GOALS.id:
        return None

    def items(dimension):
        return [q.id for q in question_set.questions if q.dimension == dimension]

    return [
        mean_score(
            "shared-convictions",
            _("Shared convictions index"),
            results,
            items("beliefs"),
            description=_("Mean agreement with the shared core convictions (1 to 5)."),
        ),
        mean_score(
            "divergence-index",
            _("Divergence index"),
            results,
            items("divergence"),
            description=_("Mean agreement that goals and interests diverge (1 to 5)."),
        ),
    ]
