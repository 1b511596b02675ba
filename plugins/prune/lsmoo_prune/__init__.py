"""lsmoo_prune — unstructured CNN pruning as a sparse bi-objective problem for lsmoo.

Modules: ``models`` (CIFAR ResNets, option A), ``data`` (Fashion-MNIST, digits, CIFAR-10/100 readers),
``train`` (base-model recipe and cache), ``evaluator`` (fast in-place mask evaluation with BN
recalibration), ``problem`` (the lsmoo Problem), ``search`` (the hierarchical engine with seeds, an
external archive and checkpointable evaluator state), ``interop`` (torch.nn.utils.prune), ``pipeline``
(the end-to-end run, checkpoint/resume, the global-magnitude baseline), ``cli`` (``lsmoo prune``).
"""
import os as _os

# OpenMP threads that spin while waiting made torch up to ~45x slower on a loaded 2-core machine; this must
# be set before torch is first imported (libgomp reads it at load time).
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
