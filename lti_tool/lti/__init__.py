"""The LTI 1.3 protocol and nothing else: registrations and deployments, the tool's keys, OIDC
login, launch validation (LaunchClaims and the frozen LaunchContext), LIS roles, deep linking, the
service client that LTI Advantage calls go through, and the short-lived state they need.

The people a launch names are lti_tool.people's, the launch endpoint and the binding of pages to a
launch are lti_tool.launches', and the administrator's commands are lti_tool.admin's.
"""
