"""Access: signed links (tokens with a purpose and an expiry) and the facilitators' sign-in."""

from scheduler.service.access.signin import LINK_MINUTES, SignedIn, mint_link
from scheduler.service.access.signing import Sealed, Signer, load_secret, secret_problem, signer

__all__ = [
    "LINK_MINUTES",
    "Sealed",
    "SignedIn",
    "Signer",
    "load_secret",
    "mint_link",
    "secret_problem",
    "signer",
]
