#!/usr/bin/env bash
# Install everything captioncheck needs on a fresh Debian machine (run as root or with sudo):
#   system: tesseract-ocr + language packs (eng fra deu spa rus ara fas chi_sim), chromium for the
#           extension end-to-end test; postgresql (server binaries: the tests start a throw-away
#           cluster for the shared-index backend);
#   build: gcc and Python's headers, for the three compiled helpers (captioncheck/extract/_lexbor_walk.pyx,
#          _open_levels.pyx, _page_tokens.pyx, built by Cython at install; optional: without them large pages are read
#          in Python, slower);
#   python: this package with all extras (torch==2.14.1 / torchvision==0.29.1 pinned in pyproject).
# Idempotent: re-running it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

DEBS=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-spa
      tesseract-ocr-rus tesseract-ocr-ara tesseract-ocr-fas tesseract-ocr-chi-sim
      chromium fonts-dejavu-core postgresql gcc libc6-dev python3-dev)
missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
echo "setup: installing captioncheck and its Python dependencies (first run downloads several GB for torch)"
"$PY" -m pip install -q --disable-pip-version-check -e '.[all]'
"$PY" -c "from captioncheck.extract.treewalk import compiled_walker; assert compiled_walker()" 2>/dev/null \
  || echo "setup: the compiled tree walker was not built (no C compiler or Python headers?): large pages are numbered in Python, slower"
# unpack py3langid's compressed model once into the data dir cache (~1 s saved on every later start)
"$PY" -c "from captioncheck.crosscheck.language import identify; identify('warm the language identifier cache once')" \
  || echo "setup: language identifier cache not built (it is built on first use)"
# compile the extract and check commands' regular expressions once into the data dir cache (~0.1 s of
# every later extract, ~0.3 s of every check)
"$PY" -m captioncheck extract testdata/pages/presstv-fr-2019-12-11.html > /dev/null \
  && "$PY" -m captioncheck check testdata/pages/presstv-fr-2019-12-11.html --index testdata/index.sqlite \
       --no-clip --no-ocr --no-remember --format json > /dev/null \
  || echo "setup: regular expression cache not built (it is built on first use)"
echo "setup: done. Try: captioncheck check testdata/pages/presstv-fr-2019-12-11.html --index testdata/index.sqlite"
