"""Reads of prospect uploads, always for the signed-in user's partner."""

from django.db.models import QuerySet

from portal.core.tenancy import for_partner, get_for_partner_or_404

from .models import ProspectImport


def prospect_imports_for(user) -> QuerySet[ProspectImport]:
    """The partner's uploads, without the file itself (large: only the import reads it)."""
    return for_partner(ProspectImport, user).defer("content")


def prospect_import_for(user, pk: int) -> ProspectImport:
    """One upload of the user's partner; another MSP's is a 404."""
    return get_for_partner_or_404(prospect_imports_for(user), user, pk=pk)
