"""``ProveError`` and one subclass per stable error kind (see ``prove_sdk._generated.errors``)."""
from ._generated.errors import *  # noqa: F401,F403
