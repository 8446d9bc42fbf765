"""Publishing approved statements to the organisation's accounts (issue 25)."""
