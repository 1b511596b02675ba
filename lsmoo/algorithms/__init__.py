"""Built-in algorithms; each module registers its classes with :func:`lsmoo.registry.register_algorithm`."""
from .base import Algorithm  # noqa: F401
from . import nsga2  # noqa: F401
