"""The tree on disk: the only package of depgraph that opens, stats or lists the files of
the trees it analyses, and the only one that runs a program of theirs.

Everything goes through one port, :class:`.fs.FileSystem` (the real disk, or an in-memory
fake for tests). It owns finding the trees (:mod:`.layout`), the compact index of a loaded
tree (:mod:`.index`) and its cache (:mod:`.cache`), loading (:mod:`.load`, in parallel
for a cold tree: :mod:`.parallel`), the readers used while answering (:mod:`.sources`),
the Kconfig and Makefile readers (:mod:`.kconfig`, :mod:`.makefiles`), the tree's own
Kconfig program (:mod:`.conf`), and the :class:`.workspace.Workspace`: the one pipeline
every command and watch mode get their state from. May import :mod:`depgraph.parse`,
:mod:`depgraph.kbuild` and :mod:`depgraph.model`.
"""
