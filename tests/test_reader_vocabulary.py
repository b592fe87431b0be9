"""The reader speaks the models' words, so what it reads is stored without translation."""

import pytest

from kpis.models import Kpi
from reader import model, parse_kpi, parse_kpis


def test_the_reader_compares_in_the_words_of_the_kpi_model():
    assert set(model.COMPARISONS) == set(Kpi.Comparison.values)


def test_the_reader_names_periods_in_the_words_of_the_kpi_model():
    assert set(model.PERIODS) == set(Kpi.Period.values)


@pytest.mark.parametrize(
    ("sentence", "comparison", "period"),
    [
        ("每年招聘达成率为90%以上", Kpi.Comparison.GE, Kpi.Period.YEARLY),
        ("每月费销率控制在10%以内", Kpi.Comparison.LE, Kpi.Period.MONTHLY),
        ("每季度客户流失率低于10%", Kpi.Comparison.LT, Kpi.Period.QUARTERLY),
    ],
)
def test_what_the_reader_reads_is_a_model_value(sentence, comparison, period):
    (kpi,) = parse_kpis(sentence)
    assert (kpi.comparison, kpi.period) == (comparison, period)


def test_the_json_of_issue_5_keeps_its_signs_and_annual():
    # parse_duties and parse_kpi print what issue 5 specified; only the JSON translates.
    (data,) = parse_kpi("每年招聘达成率为90%以上")
    assert (data["comparison"], data["period"]) == (">=", "annual")
    assert set(model.JSON_COMPARISONS) == set(model.COMPARISONS)
