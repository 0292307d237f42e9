"""Checklists for the three phases of the cooperation: the steering group's self-assessment.

An inter-municipal cooperation (IKZ) goes through three phases: initiation (Anbahnung),
implementation (Umsetzung) and consolidation (Konsolidierung). Each phase has its checklist of
steps that make a cooperation last. This set asks, for every step, how far it has been taken
(a four-point scale from "not done yet" to "fully done", with "Don't know"). Each phase is one
page (``section``) and one ``dimension`` (``initiation``, ``implementation``,
``consolidation``), so the steering group sees progress per phase and over time. It is meant
for those who know the process: council members and employees.
"""

from ikzsurvey import hookimpl
from ikzsurvey.plugin_api import Likert, QuestionSet, _

STATUS_LABELS = (
    _("Not done yet"),
    _("Started"),
    _("Largely done"),
    _("Fully done"),
)

#: (phase, page heading, [(step key, step)])
PHASE_STEPS = [
    (
        "initiation",
        _("Phase 1: Initiation"),
        [
            ("willing-partners", _("Identify the partners who really want to cooperate")),
            ("common-objective", _("Check and sharpen the common objective")),
            ("joint-analysis", _("Analyse tasks and structures in the field of cooperation "
                                 "together")),
            ("interests", _("Ask about the partners' interests again and again")),
            ("verify-goals", _("Check regularly that the goals are still shared")),
            ("involve-employees", _("Involve employees early")),
            ("think-big", _("Show courage and set far-reaching goals")),
            ("plan-initiation", _("Plan the initiation carefully before implementing anything")),
            ("step-by-step", _("Proceed step by step and plan time for reflection")),
            ("monitoring", _("Plan monitoring and evaluation from the start")),
            ("culture-check", _("Compare the planned organisation with the culture actually "
                                "lived")),
            ("changes", _("Start the changes this requires and follow them through")),
        ],
    ),
    (
        "implementation",
        _("Phase 2: Implementation"),
        [
            ("legal-form", _("Choose a robust legal and organisational form")),
            ("document-processes", _("Document the central processes")),
            ("standardise-processes", _("Standardise the central processes")),
            ("error-culture", _("Establish an open culture towards errors")),
            ("knowledge-management", _("Build up knowledge management")),
            ("knowledge-transfer", _("Ensure knowledge transfer between the partners")),
        ],
    ),
    (
        "consolidation",
        _("Phase 3: Consolidation"),
        [
            ("evaluations", _("Take the results of reviews and evaluations seriously")),
            ("viability-doubts", _("Address doubts about economic viability concretely")),
            ("organisational-differences", _("Address organisational differences concretely")),
            ("shared-services", _("Put shared services at the centre and expand them")),
            ("digitalisation", _("Make consistent use of digitalisation and AI")),
            ("robust-structures", _("Create structures that withstand external disruptions")),
            ("promote", _("Keep promoting the cooperation to administrative leaders and "
                          "politicians")),
            ("political-support", _("Build and secure broad political support")),
        ],
    ),
]


def _questions():
    for phase, heading, steps in PHASE_STEPS:
        for step, text in steps:
            yield Likert(
                id=f"{phase}-{step}",
                text=text,
                scale=4,
                labels=STATUS_LABELS,
                dont_know=True,
                section=heading,
                dimension=phase,
                facet=step,
            )


PHASE_CHECKLISTS = QuestionSet(
    id="phase-checklists",
    version=1,
    title=_("Checklist for the phases of the cooperation"),
    description=_(
        "For the steering group and everyone involved in the process: how far has each step "
        "been taken so far?"
    ),
    questions=list(_questions()),
    audiences=("council", "employees"),
    phases=(),
)


@hookimpl
def ikzsurvey_question_sets():
    return [PHASE_CHECKLISTS]
