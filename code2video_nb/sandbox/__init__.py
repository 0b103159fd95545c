"""The security boundary around untrusted scene code (generated, edited or imported).

    safety.py      the static check in the calling process, before any run: imports, builtins,
                   dunder and private access, writers and runners by name
    confine.py     the render child's confinement, applied by the child before the scene runs:
                   secrets out of its environment, network namespace, resource limits, Landlock
    audit_hook.py  the child's PEP 578 hook: refuses programs, sockets, writes outside its folders

Imports only the pure core (`parse`); `render/` (the parent) and `render/child/` (the child) use it.
"""
