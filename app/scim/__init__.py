"""SCIM 2.0 provisioning (RFC 7643, RFC 7644) on /scim/v2: identity providers (Entra ID, Okta)
keep the one directory's users, with provisioner keys."""
