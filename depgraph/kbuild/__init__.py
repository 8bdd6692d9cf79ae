"""What kbuild does that no file of a build tree records, as pure rules: no I/O.

Owns the fact tables (each citing the kbuild source it comes from), the one id of a file
however kbuild and gcc spelled it (:mod:`.paths`), and the rules that classify targets
(:mod:`.targets`). May import :mod:`depgraph.model` only.
"""
