"""Helpers of a large page's numbering: `dom._Order` (mem_id -> element index: bisection while few are asked for,
then a dict; the same answers as the dict it replaces, ascending mem_ids or not)."""

from __future__ import annotations

import random

import pytest

from captioncheck.extract.dom import Doc, _Order


@pytest.mark.parametrize("ascending", [True, False])
def test_order_answers_as_the_dict(ascending: bool) -> None:
    rng = random.Random(7)
    ids = sorted(rng.sample(range(1, 10**12), 5_000))
    if not ascending:
        rng.shuffle(ids)
    order = _Order(ids, ascending)
    plain = dict(zip(ids, range(len(ids))))
    asked = [*rng.sample(ids, 2_000), *rng.sample(range(10**12, 2 * 10**12), 500), 0]
    rng.shuffle(asked)
    for mem_id in asked:  # past the bisection budget (64 + 5 000 / 16): the dict is built midway
        assert order.get(mem_id, -1) == plain.get(mem_id, -1)
        assert (mem_id in order) == (mem_id in plain)
    assert len(order) == len(plain)
    with pytest.raises(KeyError):
        order[10**13]


def test_a_large_page_finds_its_elements() -> None:
    doc = Doc.parse("<div><p>x</p><span>y</span></div>" * 20_000, vectorised=True)
    for k in (0, 1, 777, 40_000, len(doc.nodes) - 1):
        assert doc.index(doc.nodes[k]) == k
    assert doc.index(Doc.parse("<p>z</p>").nodes[0]) == -1

