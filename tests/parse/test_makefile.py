"""Tests for depgraph.parse.makefile on small Makefile texts in kbuild syntax."""

from __future__ import annotations

import pytest

from depgraph.model import ParseError
from depgraph.parse.makefile import (
    Built,
    FlagScope,
    Item,
    VarKind,
    evaluate,
    flag_symbols,
    parse_makefile,
)

DRIVER = (
    "# a driver directory\n"
    "obj-y\t\t\t+= core.o \\\n"
    "\t\t\t   bus.o\t# the bus\n"
    "obj-$(CONFIG_FOO)\t+= foo.o\n"
    "foo-y := foo_main.o foo_util.o\n"
    "foo-$(CONFIG_FOO_DEBUG) += foo_debug.o\n"
    "obj-$(CONFIG_BAR) += bar/\n"
    "lib-y += helpers.o\n"
    "subdir-y += tools\n"
    "always-y += table.h\n"
    "ccflags-$(CONFIG_FOO_DEBUG) += -DDEBUG\n"
    "CFLAGS_core.o := -I$(src)/include -DNR=$(CONFIG_NR_CPUS)\n"
)


def _names(items) -> list[str]:
    return [item.name for item in items]


def _compiled(built: Built, items: tuple[Item, ...]) -> tuple[Item, ...]:
    """The objects compiled for ``items``: a composite replaced by its members (6.x
    archives a built-in composite's members directly), the first of each name kept."""
    seen: dict[str, Item] = {}
    for item in items:
        for part in built.composites.get(item.name, (item,)):
            seen.setdefault(part.name, part)
    return tuple(seen.values())


# --- parsing ------------------------------------------------------------------------------


def test_assignments_with_continuation_comments_and_lines():
    parsed = parse_makefile(DRIVER, "drivers/x/Makefile")
    first = parsed.assignments[0]
    assert (first.name, first.op, first.value, first.line) == ("obj-y", "+=", "core.o bus.o", 2)
    kinds = [(a.name, a.kind, a.stem) for a in parsed.assignments]
    assert kinds == [
        ("obj-y", VarKind.OBJ, "obj"),
        ("obj-$(CONFIG_FOO)", VarKind.OBJ, "obj"),
        ("foo-y", VarKind.COMPOSITE, "foo"),
        ("foo-$(CONFIG_FOO_DEBUG)", VarKind.COMPOSITE, "foo"),
        ("obj-$(CONFIG_BAR)", VarKind.OBJ, "obj"),
        ("lib-y", VarKind.LIB, "lib"),
        ("subdir-y", VarKind.SUBDIR, "subdir"),
        ("always-y", VarKind.ALWAYS, "always"),
        ("ccflags-$(CONFIG_FOO_DEBUG)", VarKind.FLAGS, "ccflags"),
        ("CFLAGS_core.o", VarKind.FLAGS, "core.o"),
    ]
    assert [a.line for a in parsed.assignments] == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert parsed.diagnostics == ()


def test_every_operator_and_the_other_variable_kinds():
    text = "A = 1\nB := 2\nC ::= 3\nD += 4\nE ?= 5\nF != echo 6\nmod-objs := a.o\n"
    text += "subdir-ccflags-y += -Wx\nKBUILD_CFLAGS += -O2\nasflags-y += -DA\nhostprogs := gen\n"
    parsed = parse_makefile(text)
    assert [a.op for a in parsed.assignments[:6]] == ["=", ":=", "::=", "+=", "?=", "!="]
    kinds = {a.name: a.kind for a in parsed.assignments}
    assert kinds["mod-objs"] is VarKind.COMPOSITE
    assert kinds["subdir-ccflags-y"] is VarKind.FLAGS
    assert kinds["KBUILD_CFLAGS"] is VarKind.FLAGS
    assert kinds["asflags-y"] is VarKind.FLAGS
    assert kinds["hostprogs"] is VarKind.OTHER
    assert kinds["A"] is VarKind.OTHER


def test_name_with_a_function_call_is_one_name():
    # arch/x86/Kbuild: obj-$(subst m,y,$(CONFIG_HYPERV)) += hyperv/
    (a,) = parse_makefile("obj-$(subst m,y,$(CONFIG_HYPERV)) += hyperv/\n").assignments
    assert (a.name, a.kind, a.value) == (
        "obj-$(subst m,y,$(CONFIG_HYPERV))",
        VarKind.OBJ,
        "hyperv/",
    )
    assert a.symbols == ("CONFIG_HYPERV",)


def test_escaped_hash_is_not_a_comment():
    (a,) = parse_makefile(r"sed-y := -e 's/\#define/x/'  # real comment" + "\n").assignments
    assert a.value == "-e 's/#define/x/'"


def test_a_comment_ending_in_backslash_swallows_the_next_line():
    # make joins continuation lines before it strips the comment
    parsed = parse_makefile("# obj-y += a.o \\\nobj-y += b.o\nobj-y += c.o\n")
    assert [(a.value, a.line) for a in parsed.assignments] == [("c.o", 3)]


def test_rules_recipes_and_defines_are_skipped():
    text = """\
obj-y += a.o
$(obj)/gen.h: $(src)/gen.sh FORCE
	obj-y += recipe.o
	$(call if_changed,gen)
define filechk_x
	obj-y += in_define.o
endef
$(obj)/a.o: CFLAGS_a.o += -DX
obj-y += b.o
	obj-y += tab_after_assignment.o
"""
    parsed = parse_makefile(text)
    assert [(a.value, a.line) for a in parsed.assignments] == [
        ("a.o", 1),
        ("b.o", 9),
        ("tab_after_assignment.o", 10),
    ]
    # The rule, its two recipe lines, the define and its body, the target-specific line:
    # kept with their lines, so that an edit of one can be told apart from the rest.
    assert parsed.others == (
        (2, "$(obj)/gen.h: $(src)/gen.sh FORCE"),
        (3, "obj-y += recipe.o"),
        (4, "$(call if_changed,gen)"),
        (5, "define filechk_x"),
        (6, "obj-y += in_define.o"),
        (7, "endef"),
        (8, "$(obj)/a.o: CFLAGS_a.o += -DX"),
    )
    assert parsed.skipped == 7


def test_guards_of_every_form():
    text = """\
ifdef CONFIG_A
a-y := 1
else ifeq ($(CONFIG_B),y)
b-y := 1
else ifneq "$(CONFIG_C)" ""
c-y := 1
else
d-y := 1
endif
ifndef CONFIG_E
ifeq (m, $(CONFIG_F))
f-y := 1
endif
endif
"""
    parsed = parse_makefile(text, "Kbuild")
    guards = {a.name: [g.describe() for g in a.guards] for a in parsed.assignments}
    assert guards == {
        "a-y": ["CONFIG_A set"],
        "b-y": ["CONFIG_A unset", "CONFIG_B=y"],
        "c-y": ["CONFIG_A unset", "CONFIG_B!=y", "CONFIG_C set"],
        "d-y": ["CONFIG_A unset", "CONFIG_B!=y", "CONFIG_C unset"],
        "f-y": ["CONFIG_E unset", "CONFIG_F=m"],
    }
    f_guards = parsed.assignments[-1].guards
    assert [(g.line, g.test, g.symbol, g.wanted) for g in f_guards] == [
        (10, "ifndef", "CONFIG_E", ""),
        (11, "ifeq", "CONFIG_F", "m"),
    ]
    assert f_guards[1].holds({"CONFIG_F": "m"}) is True
    assert f_guards[1].holds({"CONFIG_F": "y"}) is False


def test_conditions_not_about_one_symbol_are_unknown_guards_with_their_text():
    text = """\
ifeq ($(call cc-option,-mfoo),)
KBUILD_CFLAGS += -mbar
else
KBUILD_CFLAGS += -mfoo
endif
ifeq ($(ARCH),x86)
obj-y += x86.o
endif
"""
    first, second, third = parse_makefile(text).assignments
    (guard,) = first.guards
    assert (guard.symbol, guard.text, guard.taken) == (
        None,
        "ifeq ($(call cc-option,-mfoo),)",
        True,
    )
    assert guard.holds({}) is None
    assert second.guards[0].describe() == "not ifeq ($(call cc-option,-mfoo),)"
    assert third.guards[0].text == "ifeq ($(ARCH),x86)"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("obj-y += a.o\nendif\n", 2, "endif without if"),
        ("ifdef CONFIG_A\nobj-y += a.o\n", 1, "missing endif"),
        ("ifdef CONFIG_A\nelse\nelse\nendif\n", 3, "only one else per conditional"),
        ("else\n", 1, "else without if"),
        ("ifeq (a b)\nendif\n", 1, "malformed ifeq"),
        ("endef\n", 1, "endef without define"),
    ],
)
def test_syntax_errors_are_diagnostics_with_path_and_line(text: str, line: int, message: str):
    parsed = parse_makefile(text, "fs/x/Makefile")
    (diag,) = parsed.diagnostics
    assert (diag.path, diag.line, diag.message) == ("fs/x/Makefile", line, message)
    assert str(diag).startswith(f"fs/x/Makefile:{line}: error: {message}")


def test_strict_raises_at_the_first_error():
    with pytest.raises(ParseError, match=r"^Makefile:2: error: endif without if"):
        parse_makefile("obj-y += a.o\nendif\n", "Makefile", strict=True)


def test_exports_and_includes():
    text = "export BITS\nexport UTS := i386\ninclude $(srctree)/x/Makefile.inc\n-include opt.mk\n"
    parsed = parse_makefile(text)
    assert parsed.exports == frozenset({"BITS", "UTS"})
    assert [(i.paths, i.optional, i.line) for i in parsed.includes] == [
        ("$(srctree)/x/Makefile.inc", False, 3),
        ("opt.mk", True, 4),
    ]


# --- evaluation ---------------------------------------------------------------------------


def test_y_m_and_unset_decide_built_in_module_or_nothing():
    parsed = parse_makefile(DRIVER, "drivers/x/Makefile")
    built = evaluate(parsed, {"CONFIG_FOO": "m", "CONFIG_BAR": "y"})
    assert _names(built.builtin) == ["core.o", "bus.o"]
    assert _names(built.modules) == ["foo.o"]
    assert _names(_compiled(built, built.modules)) == ["foo_main.o", "foo_util.o"]
    assert _names(built.lib) == ["helpers.o"]
    assert _names(built.extra) == ["table.h"]
    assert [(s.name, s.builtin, s.modorder) for s in built.subdirs] == [
        ("bar", True, True),
        ("tools", False, False),
    ]
    assert built.builtin[1].where == "drivers/x/Makefile:2"
    assert built.composites["foo.o"][1].where == "drivers/x/Makefile:5"
    nothing = evaluate(parsed, {"CONFIG_FOO": "n", "CONFIG_BAR": ""})
    assert _names(nothing.builtin) == ["core.o", "bus.o"]
    assert (nothing.modules, _names(nothing.subdirs)) == ((), ["tools"])


def test_composite_members_follow_their_own_symbols():
    parsed = parse_makefile(DRIVER)
    built = evaluate(parsed, {"CONFIG_FOO": "y", "CONFIG_FOO_DEBUG": "y"})
    assert _names(_compiled(built, built.builtin)) == [
        "core.o",
        "bus.o",
        "foo_main.o",
        "foo_util.o",
        "foo_debug.o",
    ]
    assert built.composites["foo.o"][2].line == 6


def test_foo_m_members_count_for_a_module_only():
    text = "obj-$(CONFIG_A) += a.o\na-y := a1.o\na-m := a_mod.o\n"
    as_module = evaluate(parse_makefile(text), {"CONFIG_A": "m"})
    assert _names(_compiled(as_module, as_module.modules)) == ["a1.o", "a_mod.o"]
    built_in = evaluate(parse_makefile(text), {"CONFIG_A": "y"})
    assert _names(_compiled(built_in, built_in.builtin)) == ["a1.o"]


def test_built_in_wins_over_modular_and_lib_keeps_what_is_not_built_in():
    text = "obj-y += a.o\nobj-m += a.o b.o\nlib-y += a.o c.o\nlib-m += d.o\n"
    built = evaluate(parse_makefile(text), {})
    assert (_names(built.builtin), _names(built.modules)) == (["a.o"], ["b.o"])
    assert _names(built.lib) == ["c.o", "d.o"]


def test_obj_m_directory_is_descended_for_modules_only():
    built = evaluate(parse_makefile("obj-m += net/\nobj-y += net/ core/\n"), {})
    assert [(s.name, s.builtin) for s in built.subdirs] == [("net", True), ("core", True)]
    only_m = evaluate(parse_makefile("obj-$(CONFIG_N) += net/\n"), {"CONFIG_N": "m"})
    assert [(s.name, s.builtin, s.modorder) for s in only_m.subdirs] == [("net", False, True)]


def test_guards_are_honoured_and_unknown_ones_assumed_and_reported():
    text = """\
ifdef CONFIG_A
obj-y += a.o
else
obj-y += not_a.o
endif
ifeq ($(call cc-option,-mfoo),)
obj-y += needs_cc.o
KBUILD_CFLAGS += -mbar
endif
"""
    built = evaluate(parse_makefile(text, "k/Makefile"), {"CONFIG_A": "y"})
    assert _names(built.builtin) == ["a.o", "needs_cc.o"]
    (assumed,) = built.assumed
    assert str(assumed) == "k/Makefile:6: assumed: ifeq ($(call cc-option,-mfoo),)"
    off = evaluate(parse_makefile(text), {"CONFIG_A": "n"})
    assert _names(off.builtin) == ["not_a.o", "needs_cc.o"]


def test_guard_on_flags_only_is_not_reported():
    text = "ifeq ($(call cc-option,-mfoo),)\nKBUILD_CFLAGS += -mbar\nendif\nobj-y += a.o\n"
    assert evaluate(parse_makefile(text), {}).assumed == ()


def test_guard_on_a_variable_known_here_is_decided():
    text = "ifeq ($(BITS),32)\nobj-y += x_32.o\nelse\nobj-y += x_64.o\nendif\n"
    built = evaluate(parse_makefile(text), {}, variables={"BITS": "64"})
    assert (_names(built.builtin), built.assumed) == (["x_64.o"], ())


def test_make_functions_in_names_and_values():
    text = """\
obj-$(subst m,y,$(CONFIG_HYPERV)) += hyperv/
obj-y += head_$(BITS).o $(patsubst %.c,%.o,a.c b.c) $(addprefix sub/,c.o)
obj-y += $(if $(CONFIG_X),x.o,nox.o) $(foreach n,1 2,n$(n).o) $(filter-out d.o,d.o e.o)
parts := p.o q.o
obj-y += $(parts:.o=_x.o)
"""
    built = evaluate(parse_makefile(text), {"CONFIG_HYPERV": "m"}, variables={"BITS": "32"})
    assert _names(built.builtin) == [
        "head_32.o",
        "a.o",
        "b.o",
        "sub/c.o",
        "nox.o",
        "n1.o",
        "n2.o",
        "e.o",
        "p_x.o",
        "q_x.o",
    ]
    assert [s.name for s in built.subdirs] == ["hyperv"]
    assert built.unresolved == ()


def test_what_cannot_be_expanded_is_reported_not_guessed():
    built = evaluate(parse_makefile("obj-y += a.o head_$(BITS).o $(shell ls)\n", "k/Kbuild"), {})
    assert _names(built.builtin) == ["a.o"]
    (diag,) = built.unresolved
    assert (diag.path, diag.line) == ("k/Kbuild", 1)
    assert diag.message == "cannot expand $(BITS), $(shell …)"


def test_a_variable_the_makefile_assigns_under_a_false_condition_is_empty():
    # mm/Makefile: memory-hotplug-$(CONFIG_MEMORY_HOTPLUG) += ...; obj-y += $(memory-hotplug-y)
    text = "hp-$(CONFIG_HP) += hp.o\nobj-y += a.o $(hp-y)\n"
    built = evaluate(parse_makefile(text), {})
    assert (_names(built.builtin), built.unresolved) == (["a.o"], ())
    assert _names(evaluate(parse_makefile(text), {"CONFIG_HP": "y"}).builtin) == ["a.o", "hp.o"]


def test_obj_y_is_simple_so_later_definitions_come_too_late():
    # Makefile.build sets obj-y := before including the Makefile: += expands at once,
    # while a composite's foo-y is recursive and expanded at the end.
    text = "obj-y += $(late) c.o d.o\nlate := l.o\nc-y = $(parts)\nd-y := $(parts)\nparts := p.o\n"
    built = evaluate(parse_makefile(text), {})
    # d-y := expanded $(parts) while it was still undefined: d-y is empty, d.o is no composite
    assert _names(_compiled(built, built.builtin)) == ["p.o", "d.o"]


def test_includes_go_through_the_callback():
    inner = parse_makefile("obj-$(CONFIG_A) += inc.o\n", "x/inc.mk")
    outer = parse_makefile("include $(srctree)/x/inc.mk\ninclude missing.mk\n", "x/Makefile")
    built = evaluate(
        outer,
        {"CONFIG_A": "y"},
        variables={"srctree": "/src"},
        include=lambda path: inner if path == "/src/x/inc.mk" else None,
    )
    assert [(i.name, i.where) for i in built.builtin] == [("inc.o", "x/inc.mk:1")]
    (diag,) = built.unresolved
    assert (diag.line, diag.message) == (2, "cannot expand include missing.mk")


def test_exported_variables_are_passed_on():
    text = "export BITS\nBITS := 32\nexport UTS := i386\nlocal := x\n"
    built = evaluate(parse_makefile(text), {})
    assert {"BITS", "UTS"} <= built.exported
    assert "local" not in built.exported
    assert built.variables["BITS"] == "32"


# --- flag symbols -------------------------------------------------------------------------


def test_flag_symbols_in_names_values_and_guards():
    text = """\
ccflags-$(CONFIG_NET_DEBUG) += -DDEBUG
CFLAGS_core.o := -DNR=$(CONFIG_NR_CPUS)
subdir-ccflags-$(CONFIG_W) += -Werror
ifdef CONFIG_CC_OPTIMIZE_FOR_SIZE
KBUILD_CFLAGS += $(call cc-option,-Os)
else
KBUILD_CFLAGS += -O2
endif
obj-$(CONFIG_NOT_A_FLAG) += x.o
"""
    uses = flag_symbols(parse_makefile(text))
    assert sorted(uses) == [
        "CONFIG_CC_OPTIMIZE_FOR_SIZE",
        "CONFIG_NET_DEBUG",
        "CONFIG_NR_CPUS",
        "CONFIG_W",
    ]
    (debug,) = uses["CONFIG_NET_DEBUG"]
    assert (debug.variable, debug.line, debug.scope, debug.via) == (
        "ccflags-$(CONFIG_NET_DEBUG)",
        1,
        FlagScope.DIRECTORY,
        "name",
    )
    (nr,) = uses["CONFIG_NR_CPUS"]
    assert (nr.scope, nr.target, nr.via) == (FlagScope.OBJECT, "core.o", "value")
    assert uses["CONFIG_W"][0].scope is FlagScope.SUBDIRS
    size = uses["CONFIG_CC_OPTIMIZE_FOR_SIZE"]
    assert [(u.variable, u.line, u.scope, u.via, u.mention) for u in size] == [
        ("KBUILD_CFLAGS", 5, FlagScope.ALL, "guard", 4),
        ("KBUILD_CFLAGS", 7, FlagScope.ALL, "guard", 4),
    ]


def test_flag_symbols_through_a_helper_variable():
    # top Makefile: CC_FLAGS_FTRACE := -pg under ifdef CONFIG_FUNCTION_TRACER, used later
    text = """\
ifdef CONFIG_FUNCTION_TRACER
CC_FLAGS_FTRACE := -pg
endif
KBUILD_CFLAGS += $(CC_FLAGS_FTRACE)
CFLAGS_GCOV := -fprofile-arcs
"""
    uses = flag_symbols(parse_makefile(text))
    assert [(u.variable, u.line, u.via, u.mention) for u in uses["CONFIG_FUNCTION_TRACER"]] == [
        ("KBUILD_CFLAGS", 4, "helper", 2)
    ]


RULES = """\
# Force dependency (vdso*-wrap.S includes vdso.so through incbin)
$(obj)/vdso-wrap.o: $(obj)/vdso/vdso.so
$(obj)/vdso32-wrap.o: $(obj)/vdso32/vdso.so
$(obj)/foo.o: private part-of-module := y
$(obj)/%.dtb: $(obj)/%.dts $(DTC) FORCE
	$(call if_changed_dep,dtc)
$(subdir-builtin): $(obj)/%/built-in.a: $(obj)/% ;
$(obj)/bar.o: $(obj)/bar.h | $(obj)/gen
ifdef CONFIG_COMPAT_VDSO
$(obj)/compat.o: $(obj)/compat.bin
endif
$(obj)/missing.o: $(NOT_SET_HERE)/x.bin
clean::
"""


def test_explicit_rules_are_read_and_expanded_with_the_directory_variables():
    parsed = parse_makefile(RULES, "arch/arm64/kernel/Makefile")
    assert [(r.line, r.targets) for r in parsed.rules] == [
        (2, "$(obj)/vdso-wrap.o"),
        (3, "$(obj)/vdso32-wrap.o"),
        (5, "$(obj)/%.dtb"),
        (7, "$(subdir-builtin)"),
        (8, "$(obj)/bar.o"),
        (10, "$(obj)/compat.o"),
        (12, "$(obj)/missing.o"),
    ]  # not the target-specific variable (4) nor the double-colon rule (13)
    assert parsed.rules[4].prerequisites == "$(obj)/bar.h"  # the order-only part dropped
    variables = {"obj": "arch/arm64/kernel", "src": "/s/arch/arm64/kernel", "srctree": "/s"}
    built = evaluate(parsed, {}, variables=variables)
    assert [(r.targets, r.prerequisites, r.line) for r in built.rules] == [
        (("arch/arm64/kernel/vdso-wrap.o",), ("arch/arm64/kernel/vdso/vdso.so",), 2),
        (("arch/arm64/kernel/vdso32-wrap.o",), ("arch/arm64/kernel/vdso32/vdso.so",), 3),
        (("arch/arm64/kernel/bar.o",), ("arch/arm64/kernel/bar.h",), 8),
    ]  # no pattern, static pattern, false guard, or name it cannot expand
    on = evaluate(parsed, {"CONFIG_COMPAT_VDSO": "y"}, variables=variables)
    assert ("arch/arm64/kernel/compat.o",) in [r.targets for r in on.rules]
