"""Build hook for the compiled helpers (everything else is in pyproject.toml).

`captioncheck.extract._lexbor_walk` numbers lexbor's tree in C, `captioncheck.extract._open_levels` follows the tree
builder's stack of open elements in C, `captioncheck.extract._page_tokens` splits a page into its tokens in C (see their
docstrings). All are optional: where they cannot be built (no C compiler, no Cython) the install goes on and pages are
numbered, split and read in Python, with the same results, slower on very large pages. `_open_levels` and
`_page_tokens` are rebuilt whenever the Python code they mirror changes (`depends`); `compiled.built_before` keeps a
build older than that code from being used.
"""

from setuptools import Extension, setup

RULES = ["captioncheck/extract/nesting.py", "captioncheck/extract/openelements.py", "captioncheck/extract/tagtables.py"]

setup(ext_modules=[
    Extension("captioncheck.extract._lexbor_walk", ["captioncheck/extract/_lexbor_walk.pyx"], optional=True),
    Extension("captioncheck.extract._open_levels", ["captioncheck/extract/_open_levels.pyx"], depends=RULES,
              optional=True),
    Extension("captioncheck.extract._page_tokens", ["captioncheck/extract/_page_tokens.pyx"],
              depends=["captioncheck/extract/flatten.py"], optional=True),
])
