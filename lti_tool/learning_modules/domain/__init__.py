"""The pure rules of mini-modules: standard library only, unit-tested from literals.

`modules` is the content model (a module, its sections and prompts, the catalogue's shape);
`validation` checks content files; `markdown` renders their safe subset; `progress` decides what
completion means; `assignment`, `feedback` and `files` are the rules of those features.
"""
