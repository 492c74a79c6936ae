#!/usr/bin/python3
"""Reference values for ser4j's fine-tuning building blocks (io.ser4j.model.train).

Writes ser-model/src/test/resources/fixtures/lora/reference.json with three cases, all float32:
  masked_ce  : logits (N, V), targets (ignored rows use -100), mask, per-token weights ->
               loss = sum(w*m*nll) / sum(w*m) and d loss / d logits
  clip       : a list of gradients, max_norm -> torch.nn.utils.clip_grad_norm_ pre-clip norm and the
               clipped gradients
  adamw      : a tiny problem (x*g) @ W^T + b, MSE against y; parameter groups
               {W: weight_decay}, {b, g: 0}; torch.optim.AdamW, 3 steps -> parameters after each step

Usage: /usr/bin/python3 tools/reference/lora_reference.py   (run from the repository root)
"""
import json
import os

import torch

torch.manual_seed(1234)
torch.set_num_threads(1)
OUT = "ser-model/src/test/resources/fixtures/lora/reference.json"


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def masked_ce():
    n, v = 7, 11
    logits = (torch.randn(n, v) * 3).requires_grad_(True)
    targets = torch.randint(0, v, (n,))
    mask = torch.tensor([1, 1, 0, 1, 1, 0, 1], dtype=torch.float32)
    targets[2] = -100  # masked-out rows may hold ignore_index
    weights = torch.tensor([1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 0.5])
    logp = torch.log_softmax(logits, dim=-1)
    safe = torch.where(mask > 0, targets, torch.zeros_like(targets))
    nll = -logp.gather(1, safe[:, None])[:, 0]
    wm = weights * mask
    loss = (nll * wm).sum() / wm.sum()
    loss.backward()
    return {"n": n, "v": v, "logits": flat(logits), "targets": targets.tolist(), "mask": flat(mask),
            "weights": flat(weights), "loss": float(loss), "grad": flat(logits.grad)}


def clip():
    shapes = [(3, 4), (5,), (2, 2, 2)]
    params = [torch.zeros(s, requires_grad=True) for s in shapes]
    grads = [torch.randn(s) * 2 for s in shapes]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    max_norm = 1.5
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return {"shapes": [list(s) for s in shapes], "grads": [flat(g) for g in grads],
            "max_norm": max_norm, "norm": float(norm), "clipped": [flat(p.grad) for p in params]}


def adamw():
    x = torch.randn(5, 4)
    y = torch.randn(5, 3)
    w = torch.randn(3, 4, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    g = (torch.rand(4) + 0.5).requires_grad_(True)
    init = {"W": flat(w), "b": flat(b), "g": flat(g)}
    lr, betas, eps, wd = 0.05, (0.9, 0.99), 1e-8, 0.1
    opt = torch.optim.AdamW([{"params": [w], "weight_decay": wd},
                             {"params": [b, g], "weight_decay": 0.0}],
                            lr=lr, betas=betas, eps=eps)
    steps = []
    for _ in range(3):
        opt.zero_grad()
        loss = (((x * g) @ w.T + b - y) ** 2).mean()
        loss.backward()
        opt.step()
        steps.append({"loss": float(loss), "W": flat(w), "b": flat(b), "g": flat(g)})
    return {"x": flat(x), "y": flat(y), "init": init, "lr": lr, "beta1": betas[0], "beta2": betas[1],
            "eps": eps, "weight_decay": wd, "steps": steps}


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    out = {"_note": "written by tools/reference/lora_reference.py (torch " + torch.__version__ + ")",
           "masked_ce": masked_ce(), "clip": clip(), "adamw": adamw()}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
