"""The one pattern every dialog that creates something follows (docs/architecture.md,
"Creating things"): inline validation, the equivalent command, progress and cancel,
Podman's own words, and nothing the user typed lost."""
