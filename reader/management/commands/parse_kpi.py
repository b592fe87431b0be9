"""Print the KPIs the reader finds in one sentence, as JSON (issue 5)."""

import json

from django.core.management.base import BaseCommand

from reader import parse_kpi


class Command(BaseCommand):
    help = "Read a KPI sentence (工作指标 / 职责要求) and print its KPIs as a JSON list."

    def add_arguments(self, parser):
        parser.add_argument("sentence", help="the KPI sentence, e.g. 招聘达成率为90%%以上")

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(parse_kpi(options["sentence"]), ensure_ascii=False, indent=2))
