"""Tests for depgraph.parse.kconfig: Kconfig statements, help texts, and expressions.

Every Kconfig text here is written for the test, in the syntax of
Documentation/kbuild/kconfig-language.rst.
"""

from __future__ import annotations

import pytest

from depgraph.model import ParseError
from depgraph.parse.kconfig import (
    And,
    Assignment,
    ChoiceEntry,
    CommentEntry,
    Compare,
    ConfigEntry,
    Const,
    EndEntry,
    ExprSyntaxError,
    IfEntry,
    Macro,
    MainMenuEntry,
    MenuEntry,
    Not,
    Or,
    SourceEntry,
    Sym,
    blame,
    evaluate,
    parse_expr,
    parse_kconfig,
    symbols_of,
)

SAMPLE = """\
# SPDX-License-Identifier: GPL-2.0
mainmenu "Test configuration"

source "arch/$(SRCARCH)/Kconfig"

menu "Timers"
	depends on HAVE_TIMERS
	visible if EXPERT

choice
	prompt "Timer frequency"
	default HZ_250

config HZ_100
	bool "100 HZ"

config HZ_250
	bool "250 HZ"

endchoice

config HZ
	int
	default 100 if HZ_100
	default 250 if HZ_250

endmenu

if BLOCK

menuconfig NET
	tristate "Networking"
	depends on !UML
	select NLATTR
	imply NET_EXTRA if EXPERT

comment "Network drivers need PCI"
	depends on !PCI

endif # BLOCK

config CC_HAS_ASM_GOTO
	def_bool $(success,echo 'asm goto("" ::: : l); l:' | $(CC) -x c - -c -o /dev/null)

config MODULES
	bool "Enable loadable module support"
	modules
"""


def _by_type(entries, kind):
    return [entry for entry in entries if isinstance(entry, kind)]


def test_entries_in_order_with_their_lines():
    parsed = parse_kconfig(SAMPLE, "Kconfig")
    assert parsed.diagnostics == ()
    summary = [(type(entry).__name__, entry.line) for entry in parsed.entries]
    assert summary == [
        ("MainMenuEntry", 2),
        ("SourceEntry", 4),
        ("MenuEntry", 6),
        ("ChoiceEntry", 10),
        ("ConfigEntry", 14),
        ("ConfigEntry", 17),
        ("EndEntry", 20),
        ("ConfigEntry", 22),
        ("EndEntry", 27),
        ("IfEntry", 29),
        ("ConfigEntry", 31),
        ("CommentEntry", 37),
        ("EndEntry", 40),
        ("ConfigEntry", 42),
        ("ConfigEntry", 45),
    ]
    assert [e.block for e in _by_type(parsed.entries, EndEntry)] == ["choice", "menu", "if"]
    assert _by_type(parsed.entries, MainMenuEntry)[0].prompt == "Test configuration"


def test_source_path_is_raw():
    (source,) = _by_type(parse_kconfig(SAMPLE).entries, SourceEntry)
    assert (source.kind, source.target) == ("source", "arch/$(SRCARCH)/Kconfig")


def test_menu_depends_and_visible_if_are_apart():
    (menu,) = _by_type(parse_kconfig(SAMPLE, "Kconfig").entries, MenuEntry)
    assert menu.prompt == "Timers"
    assert [(d.keyword, d.text, d.line) for d in menu.depends] == [("depends on", "HAVE_TIMERS", 7)]
    assert [d.text for d in menu.visible_if] == ["EXPERT"]


def test_choice_head_and_defaults():
    (choice,) = _by_type(parse_kconfig(SAMPLE).entries, ChoiceEntry)
    assert choice.prompt == "Timer frequency"
    assert choice.name is None and not choice.optional
    assert [d.text for d in choice.defaults] == ["HZ_250"]


def test_config_types_prompts_defaults():
    configs = {e.symbol: e for e in _by_type(parse_kconfig(SAMPLE).entries, ConfigEntry)}
    assert configs["CONFIG_HZ_100"].type == "bool"
    assert configs["CONFIG_HZ_100"].prompt == "100 HZ"
    hz = configs["CONFIG_HZ"]
    assert (hz.type, hz.prompt) == ("int", None)
    assert [(d.text, d.condition.text, d.line) for d in hz.defaults] == [
        ("100", "HZ_100", 24),
        ("250", "HZ_250", 25),
    ]
    net = configs["CONFIG_NET"]
    assert (net.kind, net.type, net.prompt) == ("menuconfig", "tristate", "Networking")
    assert configs["CONFIG_MODULES"].modules
    assert not net.modules


def test_def_bool_with_a_macro_keeps_the_raw_text():
    configs = {e.symbol: e for e in _by_type(parse_kconfig(SAMPLE).entries, ConfigEntry)}
    entry = configs["CONFIG_CC_HAS_ASM_GOTO"]
    assert entry.type == "bool"
    (default,) = entry.defaults
    assert default.text == (
        "$(success,echo 'asm goto(\"\" ::: : l); l:' | $(CC) -x c - -c -o /dev/null)"
    )
    assert isinstance(default.value, Macro)


def test_select_and_imply_with_condition_and_line():
    configs = {e.symbol: e for e in _by_type(parse_kconfig(SAMPLE, "Kconfig").entries, ConfigEntry)}
    net = configs["CONFIG_NET"]
    (select,) = net.selects
    assert (select.kind, select.by, select.target, select.condition) == (
        "select",
        "CONFIG_NET",
        "CONFIG_NLATTR",
        None,
    )
    assert (select.path, select.line) == ("Kconfig", 34)
    (imply,) = net.implies
    assert (imply.target, imply.condition.text, imply.line) == ("CONFIG_NET_EXTRA", "EXPERT", 35)
    assert [(d.text, d.line) for d in net.depends] == [("!UML", 33)]


def test_if_and_comment():
    entries = parse_kconfig(SAMPLE, "Kconfig").entries
    (block,) = _by_type(entries, IfEntry)
    assert (block.condition.keyword, block.condition.text, block.condition.line) == (
        "if",
        "BLOCK",
        29,
    )
    (comment,) = _by_type(entries, CommentEntry)
    assert comment.prompt == "Network drivers need PCI"
    assert [d.text for d in comment.depends] == ["!PCI"]


HELP = "\n".join(
    [
        "config A",
        '\tbool "A"',
        "\thelp",
        "\t  A help text may say anything, even what looks like a statement:",
        "\t  config NOT_A_SYMBOL",
        "\t  depends on NOTHING",
        "",
        "\t    An indented paragraph, after a blank line, is still help.",
        '\t  source "not/a/file"',
        "",
        "config B",
        "\ttristate",
        "\t---help---",
        "\t  Old spelling of help.",
        "\tdepends on A",
        "\thelp",
        "\t  help text at the end of the file, no newline",
    ]
)


def test_help_text_is_skipped_up_to_a_less_indented_line():
    parsed = parse_kconfig(HELP, "Kconfig")
    assert parsed.diagnostics == ()
    assert [(e.symbol, e.line) for e in parsed.entries] == [("CONFIG_A", 1), ("CONFIG_B", 11)]
    (b,) = [e for e in parsed.entries if e.symbol == "CONFIG_B"]
    # The attribute after ---help---'s text is back in the entry (less indented).
    assert [(d.text, d.line) for d in b.depends] == [("A", 15)]


def test_help_indentation_counts_tabs_as_eight_columns():
    text = "config A\n\tbool\n\thelp\n\t  first\n        second (8 spaces: less)\nconfig B\n"
    parsed = parse_kconfig(text)
    assert parsed.diagnostics[0].line == 5  # "second" ended the help: not a statement
    assert [e.symbol for e in parsed.entries] == ["CONFIG_A", "CONFIG_B"]


def test_empty_help_followed_by_statement():
    parsed = parse_kconfig("config A\n\tbool\n\thelp\nconfig B\n\tbool\n")
    assert parsed.diagnostics == ()
    assert [e.symbol for e in parsed.entries] == ["CONFIG_A", "CONFIG_B"]


def test_backslash_continuation_joins_lines_and_keeps_the_first_line():
    text = "config A\n\tbool\n\tdepends on B && \\\n\t\t   C || \\\n\t\t   D\n\tselect E\n"
    (entry,) = parse_kconfig(text, "K").entries
    (dependency,) = entry.depends
    assert (dependency.text, dependency.line) == ("B && C || D", 3)
    assert dependency.expr == Or(And(Sym("B"), Sym("C")), Sym("D"))
    assert entry.selects[0].line == 6


def test_comments_and_hashes_in_strings():
    text = 'config A # a comment\n\tbool "C# support" # another\n\tdepends on B # C\n'
    parsed = parse_kconfig(text)
    assert parsed.diagnostics == ()
    (entry,) = parsed.entries
    assert entry.prompt == "C# support"
    assert [d.text for d in entry.depends] == ["B"]


def test_quoted_strings_escapes_and_single_quotes():
    text = 'config A\n\tstring \'say "hi"\'\n\tdefault "a \\"quoted\\" \\\\ word"\n'
    (entry,) = parse_kconfig(text).entries
    assert entry.prompt == 'say "hi"'
    assert entry.defaults[0].value == Const('a "quoted" \\ word')


def test_prompt_with_if_and_separate_prompt_line():
    text = 'config A\n\tbool "A" if EXPERT\nconfig B\n\ttristate\n\tprompt "B" if !A\n'
    a, b = parse_kconfig(text).entries
    assert (a.prompt, a.prompt_if.text) == ("A", "EXPERT")
    assert (b.type, b.prompt, b.prompt_if.expr) == ("tristate", "B", Not(Sym("A")))
    assert a.depends == ()


def test_macro_assignments_and_bare_macro_lines():
    text = (
        "comma := ,\n"
        "cc-option = $(success,$(CC) -Werror $(1) -c -x c /dev/null -o /dev/null)\n"
        "flags += -m64\n"
        "$(error-if,$(failure,command -v $(CC)),C compiler '$(CC)' not found)\n"
        "config STACKPROTECTOR\n"
        "\tbool\n"
        "\tdepends on $(cc-option,-fstack-protector)\n"
    )
    parsed = parse_kconfig(text)
    assert parsed.diagnostics == ()
    assignments = [e for e in parsed.entries if isinstance(e, Assignment)]
    assert [(a.name, a.op, a.value) for a in assignments] == [
        ("comma", ":=", ","),
        ("cc-option", "=", "$(success,$(CC) -Werror $(1) -c -x c /dev/null -o /dev/null)"),
        ("flags", "+=", "-m64"),
    ]
    (config,) = [e for e in parsed.entries if isinstance(e, ConfigEntry)]
    assert config.depends[0].expr == Macro("$(cc-option,-fstack-protector)")


def test_source_variants_and_old_forms():
    text = (
        'rsource "sub/Kconfig"\nosource "maybe/Kconfig"\norsource "*/Kconfig.opt"\n'
        'choice NAMED\n\toptional\n\tbool "pick"\nconfig X\n\tbool\n\toption modules\n'
        "endchoice\n"
    )
    parsed = parse_kconfig(text)
    assert parsed.diagnostics == ()
    sources = [(e.kind, e.target) for e in parsed.entries if isinstance(e, SourceEntry)]
    assert sources == [
        ("rsource", "sub/Kconfig"),
        ("osource", "maybe/Kconfig"),
        ("orsource", "*/Kconfig.opt"),
    ]
    (choice,) = [e for e in parsed.entries if isinstance(e, ChoiceEntry)]
    assert (choice.name, choice.optional, choice.type, choice.prompt) == (
        "NAMED",
        True,
        "bool",
        "pick",
    )
    (config,) = [e for e in parsed.entries if isinstance(e, ConfigEntry)]
    assert config.modules


BAD = """\
config A
	bool "A"
	depends on B &&
frobnicate the widget
	select
endif
depends on C
config
"""


def test_odd_lines_are_diagnostics_with_path_and_line():
    parsed = parse_kconfig(BAD, "drivers/Kconfig")
    assert [str(d) for d in parsed.diagnostics] == [
        "drivers/Kconfig:3: warning: bad expression: expression ends early: 'depends on B &&'",
        "drivers/Kconfig:4: warning: unknown statement 'frobnicate': 'frobnicate the widget'",
        "drivers/Kconfig:5: warning: 'select' outside an entry: 'select'",
        "drivers/Kconfig:7: warning: 'depends' outside an entry: 'depends on C'",
        "drivers/Kconfig:8: warning: expected one symbol after 'config': 'config'",
    ]
    # What could be read was kept: the entry and the endif.
    assert [type(e).__name__ for e in parsed.entries] == ["ConfigEntry", "EndEntry"]


def test_attribute_in_the_wrong_entry():
    parsed = parse_kconfig('menu "M"\n\tselect FOO\nendmenu\n', "K")
    assert [str(d) for d in parsed.diagnostics] == [
        "K:2: warning: 'select' in a menu: 'select FOO'"
    ]


def test_strict_raises_on_the_first_problem():
    with pytest.raises(ParseError) as caught:
        parse_kconfig(BAD, "drivers/Kconfig", strict=True)
    assert caught.value.diagnostic.line == 3


# --- expressions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expr"),
    [
        ("A", Sym("A")),
        ("y", Const("y")),
        ("0x1000", Const("0x1000")),
        ("-1", Const("-1")),
        ("64BIT", Sym("64BIT")),
        ('"x86"', Const("x86")),
        ("A || B && C", Or(Sym("A"), And(Sym("B"), Sym("C")))),
        ("(A || B) && C", And(Or(Sym("A"), Sym("B")), Sym("C"))),
        ("!A && B", And(Not(Sym("A")), Sym("B"))),
        ("!A = B", Not(Compare("=", Sym("A"), Sym("B")))),
        ("!!A", Not(Not(Sym("A")))),
        ("NR_CPUS >= 0x10", Compare(">=", Sym("NR_CPUS"), Const("0x10"))),
        ('"$(ARCH)" = "parisc"', Compare("=", Const("$(ARCH)"), Const("parisc"))),
        ("$(cc-option,-m64) && X", And(Macro("$(cc-option,-m64)"), Sym("X"))),
        ("A && B && C", And(And(Sym("A"), Sym("B")), Sym("C"))),
    ],
)
def test_parse_expr(text, expr):
    assert parse_expr(text) == expr


@pytest.mark.parametrize("text", ["", "A &&", "(A", "A)", "A = = B", "(A) = B", "A B", "A , B"])
def test_parse_expr_rejects(text):
    with pytest.raises(ExprSyntaxError):
        parse_expr(text)


VALUES = {
    "CONFIG_MODULES": "y",
    "CONFIG_Y": "y",
    "CONFIG_M": "m",
    "CONFIG_N": "n",
    "CONFIG_NR_CPUS": "64",
    "CONFIG_BASE": "0x1000",
    "CONFIG_ARCH_NAME": "x86",
    "CONFIG_LOG_SHIFT": "9",
}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Y", "y"),
        ("M", "m"),
        ("N", "n"),
        ("UNSET", "n"),
        ("Y && M", "m"),
        ("M && N", "n"),
        ("M || N", "m"),
        ("Y || M", "y"),
        ("!M", "m"),
        ("!Y", "n"),
        ("!UNSET", "y"),
        ("!(Y && M)", "m"),
        ("m", "m"),
        ("M = m", "y"),
        ("M != y", "y"),
        ("M < Y", "y"),  # tristate order n < m < y
        ("NR_CPUS", "n"),  # an int is n as an operand
        ("NR_CPUS > 8", "y"),  # numerically: "64" > "8" would fail as strings
        ("NR_CPUS <= 63", "n"),
        ("BASE = 4096", "y"),  # hex and decimal compare as numbers
        ("BASE >= 0x2000", "n"),
        ("LOG_SHIFT < 10", "y"),
        ('ARCH_NAME = "x86"', "y"),
        ('ARCH_NAME < "y86"', "y"),  # strings compare as strings
        ('ARCH_NAME != "arm"', "y"),
        ("UNSET = n", "y"),
        ("$(cc-option,-m64)", "y"),  # unexpanded: not blamed
        ("!$(cc-option,-m64)", "n"),
    ],
)
def test_evaluate(text, value):
    assert evaluate(parse_expr(text), VALUES) == value


def test_a_bare_m_needs_modules():
    expr = parse_expr("Y && m")
    assert evaluate(expr, {"CONFIG_Y": "y", "CONFIG_MODULES": "y"}) == "m"
    assert evaluate(expr, {"CONFIG_Y": "y"}) == "n"
    assert blame(expr, {"CONFIG_Y": "y"}) == ("CONFIG_MODULES",)
    # Only the constant: a comparison with m compares values.
    assert evaluate(parse_expr("M = m"), {"CONFIG_M": "m"}) == "y"


def test_values_are_looked_up_with_the_config_prefix_only():
    assert evaluate(parse_expr("FOO"), {"FOO": "y"}) == "n"
    assert evaluate(parse_expr("FOO"), {"CONFIG_FOO": "y"}) == "y"


def test_a_macro_takes_a_value_given_under_its_text():
    expr = parse_expr("$(cc-option,-mfoo)")
    assert evaluate(expr, {"$(cc-option,-mfoo)": "n"}) == "n"


def test_symbols_of_in_order_once():
    expr = parse_expr("A && (B || !A) && C = B")
    assert symbols_of(expr) == ("CONFIG_A", "CONFIG_B", "CONFIG_C")


@pytest.mark.parametrize(
    ("text", "values", "level", "blamed"),
    [
        ("X86_64 && !PREEMPT_RT", {}, 1, ("CONFIG_X86_64",)),
        ("X86_64 && !PREEMPT_RT", {"CONFIG_X86_64": "y"}, 1, ()),
        (
            "X86_64 && !PREEMPT_RT",
            {"CONFIG_X86_64": "y", "CONFIG_PREEMPT_RT": "y"},
            1,
            ("CONFIG_PREEMPT_RT",),
        ),
        ("A || B", {}, 1, ("CONFIG_A", "CONFIG_B")),
        ("!(A || B)", {"CONFIG_B": "y"}, 1, ("CONFIG_B",)),
        ("!(A && B)", {"CONFIG_A": "y", "CONFIG_B": "y"}, 1, ("CONFIG_A", "CONFIG_B")),
        ("NR_CPUS > 1", {"CONFIG_NR_CPUS": "1"}, 1, ("CONFIG_NR_CPUS",)),
        # Below y: an m operand is what holds a tristate back.
        ("A && B", {"CONFIG_A": "y", "CONFIG_B": "m"}, 2, ("CONFIG_B",)),
        ("!A", {"CONFIG_A": "m"}, 2, ("CONFIG_A",)),
        ("$(cc-option,-mx) || A", {"$(cc-option,-mx)": "n"}, 1, ("CONFIG_A",)),
    ],
)
def test_blame_names_only_what_makes_it_fail(text, values, level, blamed):
    assert blame(parse_expr(text), values, level) == blamed
