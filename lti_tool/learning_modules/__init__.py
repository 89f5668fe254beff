"""The Mentoring for All mini-modules: content files, the catalogue that validates them, and pages."""
