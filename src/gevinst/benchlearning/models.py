"""Models of benchlearning live in their own modules and are imported here so Django finds them."""
from .models_peers import PeerSet  # noqa: E402,F401
from .models_effect import EffectEstimate  # noqa: E402,F401
