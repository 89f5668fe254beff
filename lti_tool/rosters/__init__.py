"""The course roster from the LMS: Names and Role Provisioning Services, synced per course."""
