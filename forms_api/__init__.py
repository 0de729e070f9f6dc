"""The form service: citizens' submissions and the staff tools (see issue 3)."""
