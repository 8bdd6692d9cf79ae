"""Watch mode: observing directories, letting bursts of events settle, and asking the
:class:`depgraph.tree.workspace.Workspace` again; what changed is a value of
:mod:`depgraph.questions.events`. May import :mod:`depgraph.questions` and the layers
below it; the CLI renders what it reports.
"""
