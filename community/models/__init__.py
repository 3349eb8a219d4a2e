from .apikeys import ApiKey, ApiKeyPurpose
from .consent import ConsentKind, ConsentRecord, ConsentText
from .households import Household, HouseholdStatus
from .invitations import Invitation
from .members import Member
from .referents import Referent, ReferentKind
from .roles import Role, TownRole
from .towns import Neighbourhood, TownPage

__all__ = [
    "ApiKey",
    "ApiKeyPurpose",
    "ConsentKind",
    "ConsentRecord",
    "ConsentText",
    "Household",
    "HouseholdStatus",
    "Invitation",
    "Member",
    "Neighbourhood",
    "Referent",
    "ReferentKind",
    "Role",
    "TownPage",
    "TownRole",
]
