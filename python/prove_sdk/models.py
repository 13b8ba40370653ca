"""Request and response models and string enums of Prove's API (snake_case attributes,
``from_dict``/``to_dict`` with wire names). Printed from prove-core's metadata: see
``prove_sdk._generated``."""
from ._generated.enums import *  # noqa: F401,F403
from ._generated.models import *  # noqa: F401,F403
