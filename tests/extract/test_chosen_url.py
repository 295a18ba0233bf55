"""The record's URL read from `Found.urls()` is the candidate of highest score (placeholders never, a saved
`file:` copy only when nothing else is left, the first of equally good ones): `best` below, the rule as it
was written before the record read it from the ranked list."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from captioncheck.extract import _chosen_url
from captioncheck.extract.images import Found
from captioncheck.extract.urls import RANK, Candidate, is_placeholder


def best(cands: list[Candidate]) -> Candidate | None:
    real = [c for c in cands if not is_placeholder(c.url) and not c.url.startswith("file:")]
    pool = real or [c for c in cands if not is_placeholder(c.url)]
    return max(pool, key=lambda c: c.score) if pool else None


URLS = ["https://x.example/a.jpg", "https://x.example/a-800x600.jpg", "https://x.example/b-1200x800.jpg",
        "file:///tmp/page_files/a.jpg", "data:image/gif;base64,R0lGOD", "https://x.example/blank.gif",
        "https://x.example/c.jpg", "file:///tmp/c-2000x1000.jpg"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(URLS), st.sampled_from([*RANK, "other"]), st.sampled_from([0, 0, 400, 2000])),
                max_size=8))
def test_chosen_url_is_what_best_picks(named):
    cands = [Candidate(url, origin, width) for url, origin, width in named]
    picked = best(cands)
    found = Found(node=None, anchor=None, index=0, cands=cands)  # type: ignore[arg-type]
    assert _chosen_url(found.urls()) == (picked.url if picked is not None else "")
