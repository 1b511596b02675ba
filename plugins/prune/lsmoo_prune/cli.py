"""``lsmoo prune`` (registered through the entry-point group ``lsmoo.commands``).

    lsmoo prune --model resnet20 --dataset fashion-mnist --seed 1 --out DIR [--max-evals E] [--quiet] ...
    lsmoo prune ... --out DIR --checkpoint-every K       (Ctrl-C checkpoints too; then the same command + --resume)
    lsmoo prune train --model resnet20 --dataset fashion-mnist --seed 1 [--epochs N] [--save PATH]
    lsmoo prune export DIR --id K --format pt|onnx [--to PATH]
"""
from __future__ import annotations

import argparse
import sys

from lsmoo.cli import non_negative_int, positive_int, seed_int
from lsmoo.errors import LsmooError


def _data_args(p, default_seed=1):
    p.add_argument("--model", default="resnet20", help="resnet20/32/44/56/110 (default resnet20)")
    p.add_argument("--dataset", default="fashion-mnist", help="fashion-mnist, digits, cifar10, cifar100")
    p.add_argument("--data-root", help="folder holding the data set (CIFAR: torchvision layout)")
    p.add_argument("--seed", type=seed_int, default=default_seed, help="seed (split, training, search)")
    p.add_argument("--width", type=positive_int, default=16, help="channels of the first stage (default 16)")
    p.add_argument("--epochs", type=positive_int, help="base-model training epochs (default: the recipe's)")
    p.add_argument("--cache-dir", help="base-model cache (default ~/.cache/lsmoo_prune or $LSMOO_PRUNE_CACHE)")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:N")
    p.add_argument("--threads", type=positive_int, help="torch CPU threads (default: torch's)")
    p.add_argument("--quiet", action="store_true", help="no progress output")


def _band(text: str):
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LO,HI (two numbers), got {text!r}") from None
    if not 0.0 <= lo < hi <= 1.0:
        raise argparse.ArgumentTypeError(f"expected 0 <= LO < HI <= 1, got {text!r}")
    return (lo, hi)


def register(subparsers):
    p = subparsers.add_parser("prune", help="prune a CNN with the hierarchical engine (lsmoo-prune plugin)",
                              description="Unstructured pruning of a CIFAR ResNet: validation error vs "
                                          "remaining weights. Sub-commands: train, export.")
    _data_args(p)
    p.add_argument("--out", help="run directory to write (required)")
    p.add_argument("--checkpoint", help="prune this state_dict instead of the cached base model")
    p.add_argument("--max-evals", type=positive_int, default=300, help="mask evaluations (default 300)")
    p.add_argument("--pop-size", type=positive_int, default=20, help="population size (default 20)")
    p.add_argument("--eval-size", type=positive_int, default=1000, help="validation images per evaluation (default 1000)")
    p.add_argument("--calib-size", type=positive_int, default=128, help="BN calibration images (default 128)")
    p.add_argument("--val-size", type=positive_int, help="validation split size (default 5000; digits 300)")
    p.add_argument("--race-size", type=int, default=0, help="racing: score on this many images first (0: off)")
    p.add_argument("--no-bn-recal", action="store_true", help="do not recalibrate BN after masking")
    p.add_argument("--importance", choices=("magnitude", "taylor", "lamp"), default="magnitude",
                   help="weight importance: |w| (default), Taylor |w·dL/dw|, or LAMP (layer-normalised |w|)")
    p.add_argument("--phase1-share", type=float, default=0.9,
                   help="share of the budget for Phase 1 (per-layer thresholds; default 0.9)")
    p.add_argument("--max-networks", type=positive_int, default=6,
                   help="Pareto networks to export, spread over the front (default 6; plus the best at 50/60/70/80 %% pruned)")
    p.add_argument("--finetune-epochs", type=int, default=0, help="fine-tune the networks compared with the baseline")
    p.add_argument("--seeds", default="magnitude,ends,lamp,erk",
                   help="seed Phase 1 with these allocations at 12 sparsities: comma-separated from magnitude (global "
                        "magnitude = the baseline), ends (the same, first conv and classifier dense), lamp, erk; "
                        "none: no seeds (default magnitude,ends,lamp,erk)")
    p.add_argument("--rescore-top", type=non_negative_int, default=4,
                   help="at 50/60/70/80 %% pruned, re-score this many best candidates on the validation images the "
                        "search did not use and pick by that (0: pick by the search error; default 4)")
    p.add_argument("--final-calib-size", type=positive_int, default=4096,
                   help="BN calibration images for the re-scored, exported and baseline networks (default 4096)")
    p.add_argument("--focus", type=_band, default=(0.1, 0.7), metavar="LO,HI",
                   help="remaining-weight band the search concentrates on (default 0.1,0.7; 0,1: the whole front)")
    p.add_argument("--checkpoint-every", type=non_negative_int, default=0, metavar="K",
                   help="write OUT/checkpoint.npz every K generations of the search (always at its end and on "
                        "Ctrl-C/SIGTERM)")
    p.add_argument("--resume", action="store_true",
                   help="continue the search from OUT/checkpoint.npz (same arguments) to the identical result")
    p.set_defaults(func=cmd_prune)
    sub = p.add_subparsers(dest="prune_command", metavar="{train,export}", parser_class=type(p))

    t = sub.add_parser("train", help="train (or fetch from the cache) a base model")
    _data_args(t)
    t.add_argument("--save", help="also write the state_dict here")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("export", help="export a Pareto network of a run directory")
    e.add_argument("dir")
    e.add_argument("--id", required=True, help="network id from pareto.csv (or dense)")
    e.add_argument("--format", choices=("pt", "onnx"), default="pt")
    e.add_argument("--to", help="output file (default DIR/export/<id>.<format>)")
    e.set_defaults(func=cmd_export)


def cmd_prune(args) -> int:
    if not args.out:
        raise LsmooError("lsmoo prune needs --out DIR")
    if args.finetune_epochs < 0 or args.race_size < 0:
        raise LsmooError("--finetune-epochs and --race-size must be >= 0")
    kinds = [k.strip() for k in args.seeds.split(",") if k.strip()]
    if args.seeds.strip() != "none" and (not kinds or set(kinds) - {"magnitude", "ends", "lamp", "erk"}):
        raise LsmooError(f"--seeds takes a comma-separated list of magnitude, ends, lamp, erk (or none), got {args.seeds!r}")
    from .pipeline import Settings, run

    s = Settings(model=args.model, dataset=args.dataset, seed=args.seed, out=args.out, max_evals=args.max_evals,
                 pop_size=args.pop_size, eval_size=args.eval_size, calib_size=args.calib_size,
                 val_size=args.val_size, race_size=args.race_size, bn_recal=not args.no_bn_recal,
                 importance=args.importance, device=args.device, data_root=args.data_root,
                 checkpoint=args.checkpoint, cache_dir=args.cache_dir, width=args.width, epochs=args.epochs,
                 max_networks=args.max_networks, finetune_epochs=args.finetune_epochs,
                 progress=not args.quiet, threads=args.threads,
                 phase1_share=args.phase1_share, checkpoint_every=args.checkpoint_every, resume=args.resume,
                 seeds=args.seeds, rescore_top=args.rescore_top, final_calib_size=args.final_calib_size,
                 focus=args.focus)
    meta = run(s)
    print_summary(meta)
    return 0


def print_summary(meta):
    d = meta["dense"]
    print(f"{meta['model']} on {meta['dataset']}: dense test accuracy {100 * d['test_accuracy']:.2f} %, "
          f"{meta['prunable_weights']:,} prunable weights; {meta['search']['evaluations']} evaluations "
          f"({meta['search']['mask_evals_per_second']:.2f}/s), {meta['wall_seconds']:.0f} s in all")
    print(f"  {'id':<5} {'remaining':>9} {'val_err':>8} {'test_acc':>8} {'params':>9} {'MACs':>11}")
    for r in meta["pareto"]:
        print(f"  {r['id']:<5} {100 * r['remaining']:8.2f}% {100 * r['val_error']:7.2f}% "
              f"{100 * r['test_accuracy']:7.2f}% {r['params_nonzero']:9,} {r['macs_nonzero']:11,}")
    print("  pruned  Pareto (no fine-tuning)   magnitude+BN recal   magnitude (no recal)")
    for c in meta["comparison"]:
        pa = "-" if c["pareto_test_accuracy"] is None else f"{100 * c['pareto_test_accuracy']:.2f} % ({c['pareto_id']})"
        nr = c.get("magnitude_no_recal_test_accuracy")
        print(f"  {100 * c['pruned']:5.0f}%  {pa:<24}  {100 * c['magnitude_test_accuracy']:6.2f} %"
              f"             {'-' if nr is None else f'{100 * nr:.2f} %'}")
    print(f"wrote {meta['out']}/ (pareto.csv, baseline.csv, models/, masks/, meta.json, front.png)")


def cmd_train(args) -> int:
    from . import data, train

    train.set_threads(args.threads)
    dev = train.pick_device(args.device)
    key = data.canonical(args.dataset)
    splits = data.load(key, root=args.data_root, val_size=300 if key == "digits" else 5000, seed=args.seed)
    recipe = train.Recipe(epochs=15, batch_size=64, hflip=False) if key == "digits" else train.Recipe()
    if args.epochs:
        recipe.epochs = args.epochs
    net, info = train.base_model(args.model, splits, seed=args.seed, recipe=recipe, width=args.width,
                                 cache_dir=args.cache_dir, device=dev, progress=not args.quiet)
    acc = train.accuracy(net, splits.test_x, splits.test_y, device=dev)
    print(f"{args.model} on {key}: test accuracy {100 * acc:.2f} % ({info['source']}: {info['path']})")
    if args.save:
        import torch

        torch.save({k: v.detach().cpu() for k, v in net.state_dict().items()}, args.save)
        print(f"wrote {args.save}")
    return 0


def cmd_export(args) -> int:
    from .pipeline import export

    dst = export(args.dir, args.id, args.format, args.to)
    print(f"wrote {dst}")
    return 0
