"""Build hook for the one compiled helper (everything else is in pyproject.toml).

`captioncheck.extract._lexbor_walk` numbers lexbor's tree in C (see its docstring). It is optional: where it cannot be
built (no C compiler, no Cython) the install goes on and `dom` numbers pages in Python, with the same results, slower
on very large pages.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("captioncheck.extract._lexbor_walk", ["captioncheck/extract/_lexbor_walk.pyx"],
                             optional=True)])
