"""Actor categories and the roles of an actor in an incident: plain Python (see
vigie.core.vocabulary); the Django choices are built from them in choices.py."""

from __future__ import annotations

from vigie.core.vocabulary import Vocabulary
from vigie.core.vocabulary import gettext_noop as _


class ActorCategory(Vocabulary):
    STATE_FORCES = "state_forces", _("State forces")
    FOREIGN_FORCES = "foreign_forces", _("Foreign forces")
    UN_MISSION = "un_mission", _("UN mission")
    JIHADIST_GROUP = "jihadist_group", _("Jihadist group")
    SEPARATIST_GROUP = "separatist_group", _("Separatist group")
    PRO_GOVERNMENT_MILITIA = "pro_government_militia", _("Pro-government militia")
    COMMUNITY_MILITIA = "community_militia", _("Community militia")
    POLITICAL_MILITIA = "political_militia", _("Political militia")
    CRIMINAL_GROUP = "criminal_group", _("Criminal group")
    UNIDENTIFIED_ARMED_GROUP = "unidentified_armed_group", _("Unidentified armed group")
    CIVILIANS = "civilians", _("Civilians")
    PROTESTERS = "protesters", _("Protesters")
    RIOTERS = "rioters", _("Rioters")
    OTHER = "other", _("Other")


class ActorRole(Vocabulary):
    PERPETRATOR = "perpetrator", _("Perpetrator")
    TARGET = "target", _("Target")
    PARTY = "party", _("Party to the fighting")
    ASSOCIATED = "associated", _("Associated actor")
