"""Grade services: `delivery` records completions in the outbox and sends them (claim, send,
finish; no transaction open during the LMS call), `line_items` finds or creates each module's own
gradebook column, `ags_client` speaks AGS 2.0 through the LTI service client."""
