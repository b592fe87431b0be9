import io

from django.conf import settings
from rest_framework.parsers import JSONParser

from api.errors import BodyTooLarge


class LimitedJSONParser(JSONParser):
    """JSON bodies of at most API_MAX_BODY_BYTES, refused (413) before they are parsed."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if length and int(length) > limit:
                raise BodyTooLarge()
        except ValueError:
            pass
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise BodyTooLarge()
        return super().parse(io.BytesIO(body), media_type, parser_context)
