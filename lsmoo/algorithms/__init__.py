"""Built-in algorithms; every public module here registers its classes with
:func:`lsmoo.registry.register_algorithm` and is imported on first use of the registry."""
import importlib
import pkgutil

from .base import Algorithm  # noqa: F401

for _m in pkgutil.iter_modules(__path__):
    if not _m.name.startswith("_") and _m.name != "base":
        importlib.import_module(f"{__name__}.{_m.name}")
del _m
