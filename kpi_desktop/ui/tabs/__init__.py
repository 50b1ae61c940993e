"""One module per main-window tab; each shows the session's report (`Session.context`)."""
