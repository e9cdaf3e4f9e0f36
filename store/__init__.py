"""The clue and evidence store: the data model, MongoDB (a user's server or the embedded one),
the local spool that keeps writes through an outage, integrity values and their verification,
and clue queries."""
