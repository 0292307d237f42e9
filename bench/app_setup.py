"""Create the benchmark's surveys in an ikzsurvey database (run with the app's environment).

The cooperation comes from ``ikzsurvey create-cooperation`` and the token from
``ikzsurvey create-token`` (see bench/run.py); the app has no command that creates a
survey, so this helper does what an organizer does in /organize/: three surveys, each
pinning ``bench-likert@1`` for every municipality and audience, with wave 1 closed and
published and wave 2 open, and an open link per municipality × audience.

* ``submit``  — answered through HTTP by the load client (ours);
* ``bound``   — the bound WSGI app writes its rows for this one (same tables, same indexes);
* ``results`` — bulk-seeded and read through the results API.

Prints one JSON line: the ids, the open links per survey and the open wave per survey.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from sqlalchemy import select

from ikzsurvey import create_app
from ikzsurvey.db import write_transaction
from ikzsurvey.models import Cooperation, OpenLink, Survey, SurveyQuestionSet, Wave

SURVEYS = ("submit", "bound", "results")


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else "Benchmark"
    app = create_app()
    with app.app_context():
        reg = app.extensions["ikzsurvey.registry"]
        if reg.get("bench-likert", 1) is None:
            raise SystemExit("bench-likert@1 not loaded: set IKZSURVEY_QUESTION_SET_DIR")
        out = {"surveys": {}}
        with write_transaction() as session:
            coop = session.scalar(select(Cooperation).where(Cooperation.name == name))
            out["cooperation"] = coop.id
            today = dt.date.today()
            for key in SURVEYS:
                survey = Survey(
                    cooperation_id=coop.id,
                    title={"de": f"Benchmark ({key})", "en": f"Benchmark ({key})"},
                    phase="implementation",
                    status="open",
                    min_group_size=5,
                    welcome={"de": "Vielen Dank, dass Sie teilnehmen.",
                             "en": "Thank you for taking part."},
                    privacy={},
                    municipalities=list(coop.municipalities),
                    audiences=list(coop.audiences),
                    waves=[
                        Wave(number=1, status="closed", published=True,
                             opened_on=today - dt.timedelta(days=400),
                             closed_on=today - dt.timedelta(days=370)),
                        Wave(number=2, status="open", opened_on=today - dt.timedelta(days=10)),
                    ],
                )
                survey.question_sets = [
                    SurveyQuestionSet(question_set_id="bench-likert", version=1, position=0)
                ]
                session.add(survey)
                session.flush()
                links = []
                for m in coop.municipalities:
                    for a in coop.audiences:
                        link = OpenLink(survey=survey, municipality=m, audience=a)
                        session.add(link)
                        links.append(link)
                session.flush()
                out["surveys"][key] = {
                    "id": survey.id,
                    "waves": {str(w.number): w.id for w in survey.waves},
                    "municipalities": [m.id for m in coop.municipalities],
                    "audiences": {a.key: a.id for a in coop.audiences},
                    "links": [
                        {"key": link.key, "municipality": link.municipality_id,
                         "audience": link.audience_id}
                        for link in links
                    ],
                }
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
