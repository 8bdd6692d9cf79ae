"""Answers as values: what make redoes after a change and why (:mod:`.why`), what is
stale now (:mod:`.status`), a configuration change followed through (:mod:`.configchange`),
saved commands compared (:mod:`.cmddiff`), rankings (:mod:`.rank`), compilation database
entries (:mod:`.compdb`), include chains (:mod:`.includes`) and watch mode's event values
(:mod:`.events`).

Nothing here prints, exits or touches the disk: files are read through the readers of
:mod:`depgraph.tree`. May import :mod:`depgraph.tree` and the layers below it.
"""
