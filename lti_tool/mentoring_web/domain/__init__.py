"""The pure rules of a mentoring web: standard library only, each unit-tested from literals.

- vocabulary, facts: the words of the web (roles, strand kinds, how often) and its plain dataclasses
- validation: strand and centre-card form values → facts or field errors; name warnings
- score: which strands count and why not, the Web Strength score, bands, the checklist
- gaps: gap prompts, worded as invitations, each linked to a mini-module
- growth: snapshots and what changed between two of them
- cohort, cohort_change, cohort_publish: anonymous cohort figures with small-cell suppression,
  what changed between two publications, and when a new publication may replace the last
- export: the JSON shape for export, snapshots and copying a web between courses
- layout, legend, web_style, render_svg, render_cohort_svg: the picture of a web and of a cohort
"""
