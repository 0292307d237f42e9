"""ikz-energy: an example plugin for ikzsurvey — acceptance of local energy projects.

It provides one question set, ``energy-acceptance@1``, for citizens and council members:
two Likert items, a single choice, a multiple choice, a number and a free text. Its texts are
English msgids marked with ``_``; the German and English catalogs live in ``translations/``
beside this file under the domain ``ikz_energy`` (the package's name).

The code below is the contract example from the design document, unchanged; the project's
documentation (docs/plugins.md) explains each line. A published question set version never
changes: to change its questions, add ``version=2`` beside this one.
"""
# The code below is kept exactly as the design document writes it: not re-sorted, not reformatted.
# ruff: noqa: E501, I001
# fmt: off

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import QuestionSet, Likert, SingleChoice, MultipleChoice, FreeText, Number, _

@hookimpl
def ikzsurvey_question_sets():
    return [QuestionSet(
        id="energy-acceptance", version=1,
        title=_("Acceptance of local energy projects"),
        audiences=("citizens", "council"),
        questions=[
            Likert(id="wind-nearby", text=_("I would accept a wind turbine near my town."),
                   dimension="acceptance"),                      # 5-point, default labels
            Likert(id="trust-utility", text=_("I trust our municipal utility."), scale=7,
                   dont_know=True, dimension="trust"),
            SingleChoice(id="ownership", text=_("Who should own new plants?"),
                         options=[("municipal", _("The municipality")),
                                  ("cooperative", _("A citizens' cooperative")),
                                  ("private", _("Private investors"))]),
            MultipleChoice(id="concerns", text=_("What worries you?"), max_choices=2,
                           options=[("noise", _("Noise")), ("landscape", _("Landscape")),
                                    ("cost", _("Cost"))], required=False),
            Number(id="years", text=_("Years lived here"), min=0, max=120, required=False),
            FreeText(id="remarks", text=_("Anything else?"), max_length=2000, required=False),
        ])]
