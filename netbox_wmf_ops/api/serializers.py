"""Where NetBox looks up the serializers of the plugin's models (utilities.api.get_serializer_for_model)."""

from ..quality.api.serializers import CheckRunSerializer, FindingSerializer

__all__ = ("CheckRunSerializer", "FindingSerializer")
