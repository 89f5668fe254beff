"""The LTI 1.3 protocol and nothing else: registrations and deployments, the tool's keys, OIDC
login, launch validation (LaunchClaims and the frozen LaunchContext), LIS roles, deep linking, the
service client that LTI Advantage calls go through, and the short-lived state they need.

The people a launch names are lti_tool.people's, the launch endpoint and the binding of pages to a
launch are lti_tool.launches', and the administrator's commands are lti_tool.admin's.

What pylti1p3 does for us, and what we add:

- Login (`login.ToolOIDCLogin`, a FlaskOIDCLogin): pylti1p3 finds the registration through our
  ToolConf (`tool_conf.DbToolConf`, its extension point for where registrations live), builds the
  authentication request, and serves its cookie check page (`enable_check_cookies`) so a browser
  that blocks third-party cookies can continue in a new window. We add the bound on every login
  parameter, the target_link_uri check (no redirect outside the tool), a state and nonce kept in
  the shared store as one single-use login record, and a refusal code for each missing parameter.
- Launch (`validation.ToolMessageLaunch`, a FlaskMessageLaunch): pylti1p3 gives the request and
  cookie adapters and the order of its `validate_*` steps, which are its extension points, and we
  override them because its own checks stop short of what certification and the Security
  Framework require: it decodes JSON leniently, skips aud/azp (§5.1.3), never consumes the nonce,
  accepts a replayed id_token and state (its id_token-hash shortcut), ignores target_link_uri,
  fetches no JWKS again on a kid miss and cannot tell an unknown deployment from a switched-off
  one. Every refusal is a LaunchError with its own code and a page, never pylti1p3's message text.
- LTI Advantage calls (AGS, NRPS) and the deep-linking response go through `service_client`
  (Authlib's client_credentials grant with a private_key_jwt assertion) and `deep_linking`, not
  pylti1p3's service classes: those hold a token per object and make their calls inside whatever
  transaction the caller has open.
"""
