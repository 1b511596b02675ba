"""Built-in benchmark and real problems.

Every public module in this package is imported on first use of the registry; each registers its
problems with :func:`lsmoo.registry.register_problem`.
"""
import importlib
import pkgutil

for _m in pkgutil.iter_modules(__path__):
    if not _m.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_m.name}")
del _m
