#!/usr/bin/python3
"""Builds the models of the serving benchmark (bench/serve/run.mjs) into bench/.cache/ (git-ignored).

Run with Debian's Python (python3-torch, python3-onnx, python3-numpy are visible only to it):

    /usr/bin/python3 bench/serve/make-models.py [--out bench/.cache]

Writes:
  mlp_big.onnx   compute-bound MLP  FP32 x [batch, 256] -> Linear 2048 -> ReLU -> Linear 2048 -> ReLU
                 -> Linear 1 -> Sigmoid -> y [batch, 1]; torch.manual_seed(0); torch.onnx.export,
                 opset 15, dynamic batch axis. Input "x", output "y" (same names as mlp_small).
  mlp_big.pt     the same module as TorchScript (torch.jit.trace), for the FastAPI peer.
  mlp_small.pt   test/fixtures/models/mlp_small.onnx (30 -> 64 -> 32 -> 1) as TorchScript, built by
                 copying that file's ONNX initializers (W0..W2 [in, out], B0..B2) into an equivalent
                 torch module, so the peer serves exactly the weights Kiln serves.
  models.json    shapes, parameter counts and the max |torch - reference| checks.

Each model is checked: the small one against a numpy evaluation of the ONNX graph's weights, the
big one's export with onnx.checker. Idempotent: a second run rewrites the same files.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SMALL_ONNX = os.path.join(ROOT, "test", "fixtures", "models", "mlp_small.onnx")


class MLP(torch.nn.Module):
    """Linear layers with ReLU between them and a sigmoid at the end."""

    def __init__(self, sizes):
        super().__init__()
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes, sizes[1:])
        )

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return torch.sigmoid(x)


def params(module):
    return sum(p.numel() for p in module.parameters())


def small_from_onnx(out_dir):
    """mlp_small.onnx's initializers -> torch module -> TorchScript, checked against numpy."""
    model = onnx.load(SMALL_ONNX)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    ops = [n.op_type for n in model.graph.node]
    if ops != ["Gemm", "Relu", "Gemm", "Relu", "Gemm", "Sigmoid"]:
        sys.exit(f"unexpected mlp_small graph: {ops}")
    for n in model.graph.node:
        # Default Gemm attributes (alpha = beta = 1, no transposes) are assumed below.
        if n.op_type == "Gemm" and len(n.attribute) != 0:
            sys.exit(f"Gemm {n.name} has attributes {n.attribute}; the copy below assumes none")
    sizes = [inits["W0"].shape[0]] + [inits[f"W{i}"].shape[1] for i in range(3)]
    module = MLP(sizes)
    with torch.no_grad():
        for i, layer in enumerate(module.layers):
            # ONNX Gemm computes x @ W + B with W [in, out]; torch.nn.Linear keeps weight [out, in].
            layer.weight.copy_(torch.from_numpy(inits[f"W{i}"].T.copy()))
            layer.bias.copy_(torch.from_numpy(inits[f"B{i}"].copy()))
    module.eval()

    rng = np.random.default_rng(1)
    x = rng.standard_normal((256, sizes[0])).astype(np.float32)
    h = x
    for i in range(3):
        h = h @ inits[f"W{i}"] + inits[f"B{i}"]
        h = np.maximum(h, 0) if i < 2 else 1 / (1 + np.exp(-h))
    with torch.no_grad():
        got = module(torch.from_numpy(x)).numpy()
    err = float(np.abs(got - h).max())
    if err > 1e-5:
        sys.exit(f"mlp_small copy differs from the ONNX weights by {err}")
    traced = torch.jit.trace(module, torch.from_numpy(x[:1]))
    traced.save(os.path.join(out_dir, "mlp_small.pt"))
    return {"sizes": sizes, "params": params(module), "max_abs_err_vs_numpy": err, "source": SMALL_ONNX}


def big(out_dir):
    torch.manual_seed(0)
    sizes = [256, 2048, 2048, 1]
    module = MLP(sizes).eval()
    example = torch.randn(1, sizes[0])
    path = os.path.join(out_dir, "mlp_big.onnx")
    with torch.no_grad():
        torch.onnx.export(
            module,
            example,
            path,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
            opset_version=15,
        )
    onnx.checker.check_model(onnx.load(path))
    traced = torch.jit.trace(module, example)
    traced.save(os.path.join(out_dir, "mlp_big.pt"))
    x = torch.randn(64, sizes[0])
    with torch.no_grad():
        err = float((traced(x) - module(x)).abs().max())
    return {
        "sizes": sizes,
        "params": params(module),
        "onnx_bytes": os.path.getsize(path),
        "max_abs_err_traced": err,
        "seed": 0,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", ".cache"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    info = {
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "mlp_small": small_from_onnx(args.out),
        "mlp_big": big(args.out),
    }
    with open(os.path.join(args.out, "models.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
