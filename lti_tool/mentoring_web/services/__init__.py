"""Mentoring web services: each takes its database session and the launch explicitly, and flushes.

`web` loads and saves one person's web in one course; `snapshots` freezes and compares it over
time; `sharing` is who may see whose web (mentors, facilitators, copying between courses);
`insights` publishes the anonymous cohort figures; `render_png` draws the picture for export.
"""
