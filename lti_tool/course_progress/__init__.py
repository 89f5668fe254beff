"""Progress at a glance: a course's learners by assigned mini-module, for facilitators and mentors.

`domain` and `domain_csv` hold the rules (pure), `services` loads one course in a fixed number of
queries, `views` serves the grid (`/l/<launch>/progress/`) and its CSV export.
"""
