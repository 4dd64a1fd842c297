#!/usr/bin/python3
"""The peer of the serving benchmark: FastAPI + uvicorn + PyTorch serving the same models as Kiln,
with the same REST body and response shape (the Open Inference Protocol's JSON form).

    /usr/bin/python3 bench/serve/peer_server.py --port 18082 \
        --model small=bench/.cache/mlp_small.pt --model big=bench/.cache/mlp_big.pt

`POST /v2/models/<name>/infer` takes {"id"?, "inputs": [{"name", "shape", "datatype": "FP32",
"data": [...]}]}, runs the TorchScript module under torch.no_grad() and answers
{"model_name", "model_version": "1", "id", "outputs": [{"name": "y", "datatype": "FP32",
"shape": [...], "data": [...]}]} — what Kiln answers. `GET /v2/health/ready` answers 200.

What a user would write, kept lean so the peer gets its best shot: the body is parsed once by
FastAPI (`Body()` → json.loads), the tensor is built with torch.tensor, the answer is serialised
with json.dumps into a plain Response (no pydantic response model, no jsonable_encoder).

Server settings — uvicorn's defaults, one process:
  uvicorn.run(app, host="127.0.0.1", port=PORT, log_level=LOG_LEVEL)
  * workers: 1 (one process); backlog 2048; keep-alive timeout 5 s; no concurrency limit;
  * http="auto": httptools if installed, else h11 (Debian's python3-uvicorn does not pull in
    python3-httptools, so it is h11 here); loop="auto": uvloop if installed, else asyncio (same);
  * log level "warning" by default (--log-level info restores uvicorn's access log, one line per
    request) so that neither Kiln (KILN_LOG_LEVEL=warn) nor the peer logs each request.
  * The endpoint is `async def` (runs on the event loop). Measured here (2 cores, c=64): 2.1k req/s
    on the small MLP against 1.8k with a plain `def` endpoint (which FastAPI runs on its 40-thread
    pool, the pattern its docs give for blocking calls), and 415 vs 451 req/s on the big MLP; the
    faster one on the throughput model is the default, --sync-endpoint gives the other.
    torch uses its default thread count (torch.get_num_threads(), printed at start).
"""
import argparse
import json
import sys
import uuid

import torch
import uvicorn
from fastapi import Body, FastAPI, HTTPException
from fastapi.responses import Response

DTYPES = {"FP32": torch.float32}


def build_app(models, output_names, async_endpoint):
    app = FastAPI()

    @app.get("/v2/health/ready")
    def ready():
        return {"ready": True}

    def run(name, body):
        module = models.get(name)
        if module is None:
            raise HTTPException(status_code=404, detail=f"Request for unknown model: '{name}' is not found")
        inputs = body.get("inputs") or []
        if len(inputs) != 1:
            raise HTTPException(status_code=400, detail="expected exactly one input")
        tensor = inputs[0]
        dtype = DTYPES.get(tensor.get("datatype"))
        if dtype is None:
            raise HTTPException(status_code=400, detail=f"unsupported datatype {tensor.get('datatype')}")
        x = torch.tensor(tensor["data"], dtype=dtype).reshape(tensor["shape"])
        with torch.no_grad():
            y = module(x)
        answer = {
            "model_name": name,
            "model_version": "1",
            "id": body.get("id") or str(uuid.uuid4()),
            "outputs": [
                {
                    "name": output_names[name],
                    "datatype": "FP32",
                    "shape": list(y.shape),
                    "data": y.reshape(-1).tolist(),
                }
            ],
        }
        return Response(content=json.dumps(answer, separators=(",", ":")), media_type="application/json")

    if async_endpoint:

        @app.post("/v2/models/{name}/infer")
        async def infer_async(name: str, body: dict = Body(...)):
            return run(name, body)

    else:

        @app.post("/v2/models/{name}/infer")
        def infer(name: str, body: dict = Body(...)):
            return run(name, body)

    return app


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--model", action="append", required=True, help="name=path.pt (TorchScript)")
    ap.add_argument("--output-name", default="y")
    ap.add_argument("--log-level", default="warning")
    ap.add_argument("--sync-endpoint", action="store_true")
    args = ap.parse_args()
    models, outputs = {}, {}
    for spec in args.model:
        name, path = spec.split("=", 1)
        module = torch.jit.load(path).eval()
        with torch.no_grad():  # warm up: the first TorchScript calls profile and optimise the graph
            first = next(module.parameters()).shape[-1]
            for batch in (1, 1, 1, 64):
                module(torch.zeros(batch, first))
        models[name] = module
        outputs[name] = args.output_name
    print(
        f"peer: torch {torch.__version__}, torch threads {torch.get_num_threads()}, "
        f"endpoint {'def (thread pool)' if args.sync_endpoint else 'async def'}, models {sorted(models)}",
        file=sys.stderr,
        flush=True,
    )
    # 127.0.0.1 only; everything else is uvicorn's default (see the module docstring).
    uvicorn.run(build_app(models, outputs, not args.sync_endpoint), host="127.0.0.1", port=args.port,
                log_level=args.log_level)


if __name__ == "__main__":
    main()
