from .audit import AuditEntry, AuditKind
from .onboarding import AssistedAction, Onboarding
from .pages import AmbassadorIndexPage, AmbassadorPage
from .visits import Visit, VisitOutcome

__all__ = [
    "AmbassadorIndexPage",
    "AmbassadorPage",
    "AssistedAction",
    "AuditEntry",
    "AuditKind",
    "Onboarding",
    "Visit",
    "VisitOutcome",
]
