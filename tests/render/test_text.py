"""Every reason kind has its own line in why-rebuild's text and in status's."""

from __future__ import annotations

import pytest

from depgraph.model import ReasonKind
from depgraph.questions.why import Reason, Step
from depgraph.render.status import describe_stale
from depgraph.render.text import describe

STEP = Step("init/main.c", 2, "#include <linux/kernel.h>", "include/linux/kernel.h")


@pytest.mark.parametrize("kind", list(ReasonKind))
def test_every_reason_kind_has_a_text(kind: ReasonKind):
    for reason in (Reason(kind, "x/cause.h"), Reason(kind, "x/cause.h", (STEP,), (STEP,))):
        assert describe(reason).strip()
        assert describe_stale(reason).strip()


def test_reason_kinds_read_apart():
    plain = {describe(Reason(kind, "x/cause.h")) for kind in ReasonKind}
    assert len(plain) == len(ReasonKind)


def test_a_missing_target_reads_the_same_in_both():
    reason = Reason(ReasonKind.MISSING, "init/main.o")
    assert describe_stale(reason) == describe(reason) == "does not exist"
