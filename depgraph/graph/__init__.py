"""The dependency graph as NetworkX: the one schema (:mod:`.schema`), the views that cut
one question's part out of it (:mod:`.views`), an answer drawn as a view (:mod:`.answer`),
and the graph file formats NetworkX writes (:mod:`.export`).

The only package that imports networkx. May import :mod:`depgraph.questions` and the
layers below it.
"""
