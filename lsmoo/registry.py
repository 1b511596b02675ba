"""Name → factory registries for problems and algorithms.

Built-in entries register themselves with the decorators below when their module is imported; plugins
add entries through ``importlib.metadata`` entry points in the groups ``lsmoo.problems`` and
``lsmoo.algorithms`` (the entry point's name is the registered name, its object the factory).
"""
from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Callable

from .errors import RegistryError


@dataclass
class Entry:
    name: str
    factory: Callable[..., Any]
    info: dict = field(default_factory=dict)


class Registry:
    """A case-insensitive registry with lazily imported built-ins and entry-point plugins."""

    def __init__(self, kind: str, group: str, builtin_modules: tuple[str, ...]):
        self.kind = kind
        self.group = group
        self._builtin_modules = builtin_modules
        self._entries: dict[str, Entry] = {}
        self._loaded = False

    def register(self, name: str, factory: Callable[..., Any] | None = None, **info):
        """Register ``factory`` under ``name``; usable as a decorator when ``factory`` is omitted."""

        def deco(f):
            key = name.lower()
            self._entries[key] = Entry(key, f, dict(info))
            return f

        return deco if factory is None else deco(factory)

    def _load(self):
        if self._loaded:
            return
        self._loaded = True
        for mod in self._builtin_modules:
            importlib.import_module(mod)
        try:
            eps = metadata.entry_points(group=self.group)
        except Exception:  # pragma: no cover - broken metadata of some unrelated distribution
            eps = ()
        for ep in eps:
            if ep.name.lower() in self._entries:
                continue
            try:
                obj = ep.load()
            except Exception as exc:  # a broken plugin must not break the library
                import warnings

                warnings.warn(f"lsmoo: could not load {self.kind} plugin {ep.name!r} ({ep.value}): {exc}")
                continue
            info = dict(getattr(obj, "registry_info", {}) or {})
            info.setdefault("plugin", ep.value)
            self._entries[ep.name.lower()] = Entry(ep.name.lower(), obj, info)

    def names(self) -> list[str]:
        self._load()
        return sorted(self._entries)

    def entry(self, name: str) -> Entry:
        self._load()
        if not isinstance(name, str):
            raise RegistryError(f"{self.kind} name must be a string, got {type(name).__name__}")
        key = name.lower()
        if key not in self._entries:
            close = difflib.get_close_matches(key, self._entries, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(self.names())}"
            raise RegistryError(f"unknown {self.kind} {name!r}{hint}")
        return self._entries[key]

    def create(self, name: str, **kwargs):
        return self.entry(name).factory(**kwargs)


problems = Registry("problem", "lsmoo.problems", ("lsmoo.problems",))
algorithms = Registry("algorithm", "lsmoo.algorithms", ("lsmoo.algorithms",))


def register_problem(name: str, **info):
    """Class decorator: make a Problem subclass available as ``get_problem(name, ...)``."""
    return problems.register(name, **info)


def register_algorithm(name: str, **info):
    """Class decorator: make an Algorithm subclass available by name."""
    return algorithms.register(name, **info)


def get_problem(name: str, **kwargs):
    """Create a registered problem, e.g. ``get_problem("zdt1", n_var=1000)``.

    Keyword arguments left as ``None`` take the problem's defaults.
    """
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return problems.create(name, **kwargs)


def list_problems() -> list[str]:
    return problems.names()


def list_algorithms() -> list[str]:
    return algorithms.names()


def get_algorithm(name: str, **kwargs):
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return algorithms.create(name, **kwargs)
