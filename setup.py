"""Build hook for the compiled helpers (everything else is in pyproject.toml).

`captioncheck.extract._lexbor_walk` numbers lexbor's tree in C, `captioncheck.extract._open_levels` follows the tree
builder's stack of open elements in C (see their docstrings). Both are optional: where they cannot be built (no C
compiler, no Cython) the install goes on and `dom` numbers pages, `nesting` reads their nesting, in Python, with the
same results, slower on very large pages. `_open_levels` is rebuilt whenever the Python rules it mirrors change
(`depends`); `nesting.compiled_levels` does not use a build older than them.
"""

from setuptools import Extension, setup

RULES = ["captioncheck/extract/nesting.py", "captioncheck/extract/openelements.py", "captioncheck/extract/tagtables.py"]

setup(ext_modules=[
    Extension("captioncheck.extract._lexbor_walk", ["captioncheck/extract/_lexbor_walk.pyx"], optional=True),
    Extension("captioncheck.extract._open_levels", ["captioncheck/extract/_open_levels.pyx"], depends=RULES,
              optional=True),
])
