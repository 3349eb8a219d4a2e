"""The three roles of the programme, as Django groups (created by a migration)."""

RESIDENT = "Résidents"
AMBASSADOR = "Ambassadeurs"
MODERATOR = "Modérateurs"
ALL = (RESIDENT, AMBASSADOR, MODERATOR)
