"""Roster services: `sync` pulls a course's members from the LMS (NRPS) with no transaction open
during the call, `nrps_client` pages through the memberships service, and `roster` is what the
roster page shows."""
