"""Whole-archive work: `index add-archive` (sightings from WARC/WACZ) and `audit` (a check of
every page), run by an engine (`captioncheck.engines`) over page inputs (`captioncheck.sources`)."""
