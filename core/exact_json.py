"""Django's JSON serialisation, with times kept to the microsecond.

Django's JSON encoder cuts times to milliseconds (ECMA-262 style); a restored
history would then differ from the original, and two versions saved within
one millisecond would tie. Used by backup_org / restore_org as format
"orgjson" (registered by storage.backup).
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
