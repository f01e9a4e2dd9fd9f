"""`benchmark_pages` runs on a small generated dataset in the demo force: every page it
measures answers, it times the fullest queue tab as well as the default one, and it ends with
the worst ratio (the figures themselves come from the 1,000,000-incident dataset; see
docs/performance.md)."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_benchmark_pages_measures_every_page_and_prints_the_worst_ratio(settings):
    settings.DEBUG = True  # load_demo refuses otherwise
    for command in ("sync_roles", "load_instrument", "load_demo"):
        call_command(command, verbosity=0, stdout=io.StringIO())
    call_command("generate_data", incidents=300, seed=5, years=0.1, stdout=io.StringIO())
    out = io.StringIO()
    call_command("benchmark_pages", iterations=2, warmup=1, stdout=out)
    lines = out.getvalue().splitlines()
    pages = [line.split("  ")[0] for line in lines[1:] if "ms" in line]
    assert pages[0] == "bare page (base template)"
    assert "queues page" in pages
    assert any(page.startswith("queues page (") and "tab)" in page for page in pages)
    assert {"authorisation queue", "caseworker inbox", "reports page"} <= set(pages)
    assert sum(page.startswith("search (") for page in pages) == 2
    assert lines[-1].startswith("worst ratio: ")
    assert float(lines[-1].removeprefix("worst ratio: ")) > 0
