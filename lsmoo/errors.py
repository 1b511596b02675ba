"""Exceptions raised by lsmoo.

Every error a user can cause derives from :class:`LsmooError`, so the CLI can turn it into a one-line
message and a non-zero exit instead of a traceback.
"""


class LsmooError(ValueError):
    """Base class of the errors a user can cause (bad input, unknown names, bad files)."""


class ProblemError(LsmooError):
    """A problem was defined wrongly or its evaluate() returned something invalid."""


class RegistryError(LsmooError):
    """An unknown problem or algorithm name."""


class ConfigError(LsmooError):
    """Invalid settings for an algorithm, a termination or a run."""


class CheckpointError(LsmooError):
    """A missing, corrupt or mismatching checkpoint or run directory."""
