"""Timelines: buckets per day, ISO week and month, the sparkline, and `wire timeline` text and JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reader.errors import WireError
from reader.timeline import BLOCKS, DAY_SPAN, WEEK_SPAN, Bucket, Timeline, histogram, merge_size, sparkline

from .conftest import DATA, run_wire

CORPUS = str(DATA / "corpus")
"""Dated 2025-03-01 (a Saturday), 03-02 and 03-03 (a Monday); two undated articles."""


def pairs(timeline: Timeline) -> list[tuple[str, int]]:
    return [(b.start, b.count) for b in timeline.buckets]


def days_after(start: str, n: int) -> str:
    return (dt.date.fromisoformat(start) + dt.timedelta(days=n)).isoformat()


# --- histogram ------------------------------------------------------------------------------------

def test_days_keep_the_empty_ones_between():
    timeline = histogram(["2026-03-05", "2026-03-01", "2026-03-01", "2026-03-03"], by="day")
    assert timeline.by == "day"
    assert pairs(timeline) == [("2026-03-01", 2), ("2026-03-02", 0), ("2026-03-03", 1), ("2026-03-04", 0),
                               ("2026-03-05", 1)]
    assert (timeline.first, timeline.last, timeline.undated) == ("2026-03-01", "2026-03-05", 0)


def test_weeks_are_iso_weeks_starting_monday():
    # 2026-03-01 is a Sunday: it belongs to the week of Monday 02-23; Monday 03-02 starts the next one.
    timeline = histogram(["2026-03-01", "2026-03-02", "2026-03-08", "2026-03-09", "2026-03-23"], by="week")
    assert pairs(timeline) == [("2026-02-23", 1), ("2026-03-02", 2), ("2026-03-09", 1), ("2026-03-16", 0),
                               ("2026-03-23", 1)]
    assert all(dt.date.fromisoformat(b.start).isoweekday() == 1 for b in timeline.buckets)


def test_weeks_across_a_new_year():
    # 2026-01-01 is a Thursday: ISO week 1 of 2026 starts on Monday 2025-12-29.
    assert pairs(histogram(["2025-12-31", "2026-01-01", "2026-01-05"], by="week")) == [
        ("2025-12-29", 2), ("2026-01-05", 1)]


def test_months_across_a_year_keep_empty_months():
    timeline = histogram(["2025-11-30", "2026-02-01", "2025-11-01"], by="month")
    assert pairs(timeline) == [("2025-11-01", 2), ("2025-12-01", 0), ("2026-01-01", 0), ("2026-02-01", 1)]


def test_undated_and_unreadable_dates_are_counted_apart():
    timeline = histogram([None, "2026-03-01", "", None, "soon", "2026-03-01T09:30:00"], by="day")
    assert pairs(timeline) == [("2026-03-01", 2)]
    assert timeline.undated == 4


def test_a_single_date():
    for by in ("auto", "day", "week", "month"):
        timeline = histogram(["2026-03-04"], by=by)
        assert len(timeline.buckets) == 1 and timeline.buckets[0].count == 1
        assert (timeline.first, timeline.last) == ("2026-03-04", "2026-03-04")
    assert histogram(["2026-03-04"]).by == "day"
    assert histogram(["2026-03-04"], by="week").buckets[0].start == "2026-03-02"
    assert histogram(["2026-03-04"], by="month").buckets[0].start == "2026-03-01"


def test_no_dates():
    assert histogram([]) == Timeline("day", (), 0)
    only_undated = histogram([None, None], by="week")
    assert only_undated.buckets == () and only_undated.undated == 2 and only_undated.by == "week"
    assert only_undated.first is None and only_undated.last is None


@pytest.mark.parametrize("extra_days, expected", [
    (DAY_SPAN - 1, "day"),     # first and last included: DAY_SPAN days
    (DAY_SPAN, "week"),
    (WEEK_SPAN - 1, "week"),
    (WEEK_SPAN, "month"),
])
def test_auto_picks_the_unit_at_the_boundaries(extra_days, expected):
    start = "2026-01-01"
    assert histogram([start, days_after(start, extra_days)]).by == expected


def test_auto_on_a_long_span_is_months_and_covers_it_all():
    timeline = histogram(["2020-05-17", "2026-03-04"])
    assert timeline.by == "month"
    assert timeline.buckets[0].start == "2020-05-01" and timeline.buckets[-1].start == "2026-03-01"
    assert len(timeline.buckets) == 8 + 5 * 12 + 3  # May–Dec 2020, 2021–2025, Jan–Mar 2026
    assert sum(b.count for b in timeline.buckets) == 2


def test_the_last_possible_day_does_not_overflow():
    assert pairs(histogram(["9999-12-30", "9999-12-31"], by="day")) == [("9999-12-30", 1), ("9999-12-31", 1)]
    assert pairs(histogram(["9999-12-31"], by="month")) == [("9999-12-01", 1)]


def test_an_unknown_unit_is_a_user_error():
    with pytest.raises(WireError, match="year"):
        histogram(["2026-03-01"], by="year")


def test_to_dict_is_the_json_shape():
    out = histogram(["2026-03-01", None], by="day").to_dict()
    assert out == {"by": "day", "buckets": [{"start": "2026-03-01", "count": 1}], "undated": 1}


# --- sparkline --------------------------------------------------------------------------------------

def line(*counts: int) -> Timeline:
    start = dt.date(2026, 1, 1)
    return Timeline("day", tuple(Bucket((start + dt.timedelta(days=i)).isoformat(), c) for i, c in enumerate(counts)),
                    0)


def test_sparkline_levels_and_zero_as_a_space():
    assert sparkline(line(0, 1, 2, 3, 4, 5, 6, 7, 8), 20) == " ▁▂▃▄▅▆▇█"
    assert sparkline(line(8, 0, 8), 3) == "█ █"


def test_any_article_draws_at_least_the_lowest_block():
    assert sparkline(line(1000, 1, 0), 3) == "█▁ "


def test_sparkline_merges_neighbours_when_narrow_summing_their_counts():
    # Six buckets in three cells: two a cell, counts summed (1+1, 0+0, 4+4).
    assert sparkline(line(1, 1, 0, 0, 4, 4), 3) == "▂ █"
    # Seven in three cells: three a cell, the last cell has only the seventh bucket.
    assert sparkline(line(1, 1, 1, 0, 0, 0, 3), 3) == "█ █"
    assert merge_size(7, 3) == 3 and merge_size(3, 3) == 1 and merge_size(0, 3) == 1


@pytest.mark.parametrize("buckets, width", [(1, 1), (10, 10), (11, 10), (237, 40), (35, 37), (1000, 7)])
def test_sparkline_never_exceeds_its_width(buckets, width):
    drawn = sparkline(line(*range(1, buckets + 1)), width)
    assert 0 < len(drawn) <= width
    if buckets <= width:
        assert len(drawn) == buckets  # one cell a bucket: exactly as wide as the buckets
    assert set(drawn) <= set(BLOCKS) and drawn[-1] != " "


def test_sparkline_of_nothing_is_empty():
    assert sparkline(Timeline("day", (), 3), 10) == ""
    assert sparkline(line(1, 2), 0) == ""


# --- wire timeline ------------------------------------------------------------------------------------

def wire_timeline(*args: str, json_out: bool = True, columns: str = "60"):
    done = run_wire("--corpus", CORPUS, "timeline", *args, *(["--json"] if json_out else []),
                    env={"COLUMNS": columns})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if json_out else done.stdout


def test_json_of_every_article():
    out = wire_timeline()
    assert out == {"query": "", "by": "day", "undated": 2,
                   "buckets": [{"start": "2025-03-01", "count": 1}, {"start": "2025-03-02", "count": 1},
                               {"start": "2025-03-03", "count": 1}]}


def test_json_by_week_and_month():
    assert wire_timeline("--by", "week")["buckets"] == [{"start": "2025-02-24", "count": 2},
                                                        {"start": "2025-03-03", "count": 1}]
    assert wire_timeline("--by", "month")["buckets"] == [{"start": "2025-03-01", "count": 3}]


def test_json_of_a_query_and_of_bounds():
    out = wire_timeline("ferry")
    assert out["query"] == "ferry" and out["undated"] == 0
    assert out["buckets"] == [{"start": "2025-03-01", "count": 1}, {"start": "2025-03-02", "count": 1}]
    # Bounds leave the undated out, with or without a query, as `wire search` does.
    assert wire_timeline("--since", "2025-03-02") == {
        "query": "", "by": "day", "undated": 0,
        "buckets": [{"start": "2025-03-02", "count": 1}, {"start": "2025-03-03", "count": 1}]}
    assert wire_timeline("ferry", "--until", "2025-03-01")["buckets"] == [{"start": "2025-03-01", "count": 1}]


def test_an_entity_field_waits_for_the_entities():
    # person: is filled by NER, which a fresh home has not run yet: the command runs it first.
    out = wire_timeline('person:"Aroha Smith"')  # quoted in plain.txt, 2025-03-01
    assert out["buckets"] == [{"start": "2025-03-01", "count": 1}] and out["undated"] == 0


def test_text_draws_one_bar_a_bucket_scaled_to_the_terminal():
    out = wire_timeline("--by", "week", json_out=False).splitlines()
    assert out[0].startswith("2025-02-24  █") and out[0].endswith(" 2")
    assert out[1].startswith("2025-03-03  █") and out[1].endswith(" 1")
    assert out[2] == "undated: 2"
    assert len(out[0]) == 60  # the longest bar fills the terminal
    assert out[0].count("█") == 2 * out[1].count("█")
    wide = wire_timeline("--by", "week", json_out=False, columns="100").splitlines()
    assert len(wide[0]) == 100


def test_text_keeps_empty_buckets_and_says_when_nothing_matches():
    out = wire_timeline("ferry", "OR", "bridge", "--by", "day", json_out=False).splitlines()
    assert [row.split()[0] for row in out] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert "undated" not in " ".join(out)
    assert wire_timeline("zeppelin", json_out=False).strip() == "no articles match 'zeppelin'"


@pytest.mark.parametrize("argv, message, code", [
    (["timeline", "--by", "year"], "invalid choice", 2),
    (["timeline", "--since", "someday"], "not a date", 1),
    (["timeline", "ferry", "--until", "31/31/2025"], "not a date", 1),
])
def test_errors_are_one_line(argv, message, code):
    done = run_wire("--corpus", CORPUS, *argv)
    assert done.returncode == code
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wire: error:") and message in lines[0]
    assert done.stdout == ""
