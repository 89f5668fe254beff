"""The mentoring web: a centre card, strands of support, their picture, strength and growth."""
