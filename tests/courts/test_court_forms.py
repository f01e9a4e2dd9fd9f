"""Times typed on the breach forms on the nights the clocks change."""

from courts.forms.breaches import ArrestForm


def arrest(time):
    return ArrestForm(
        {
            "arrested_at_day": "29" if "29" in time else "25",
            "arrested_at_month": "3" if "29" in time else "10",
            "arrested_at_year": "2026",
            "arrested_time": time.split("@")[0],
            "expected_version": "0",
        }
    )


def test_a_time_the_clocks_skipped_is_refused():
    form = arrest("01:30@29")
    assert not form.is_valid()
    assert "There was no 01:30 on Sun 29 Mar 2026" in form.errors["arrested_time"][0]


def test_a_repeated_time_needs_bst_or_gmt():
    form = arrest("01:30@25")
    assert not form.is_valid()
    assert "01:30 happened twice on Sun 25 Oct 2026" in form.errors["arrested_time"][0]
    form = arrest("01:30 GMT@25")
    assert form.is_valid(), form.errors
    assert form.arrest_instant().isoformat() == "2026-10-25T01:30:00+00:00"
