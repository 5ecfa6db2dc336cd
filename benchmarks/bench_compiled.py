"""Compiled Keras steps (issue 5): Ember against PyTorch (CPU), Keras 3 on TensorFlow and
Keras 3 on JAX, in one run.

What is measured
  1. Train step time of the four workloads of the earlier issues, built by the very
     builders of benchmarks/bench_mlp.py, bench_convnet.py, bench_lstm.py and
     bench_transformer.py:
       MLP          784-512-256-10 ReLU, Adam, batch 128
       convnet      Conv32-MaxPool-Conv64-MaxPool-Flatten-Dropout(0.5)-Dense10, 28x28x1, b 128
       LSTM         LSTM(128) over 50 steps of 32 features + Dense(10), Adam, batch 64
       Transformer  MHA (4 heads, width 128) + FFN 512 block, seq 64, batch 32
     - ember:       the compiled step ``model.make_train_function()(((x, y),))``, which is
                    what ``fit`` runs per batch (data already Ember tensors);
     - ember-eager: ``model.train_step((x, y))`` line by line, for reference;
     - torch:       zero_grad / forward / backward / Adam step, as the earlier scripts do;
     - keras-tf:    ``model.train_on_batch(x, y)`` (runs the compiled tf.function that fit
                    uses);
     - keras-jax:   ``model.train_on_batch(x, y)`` (the jitted step fit uses).
     Keras takes one backend per process, so each Keras peer runs in a timing server of
     its own (``--worker serve``), built and warmed up before any timing starts. All five
     take turns, round by round (timing.interleaved), with a 0.5 s pause before each turn
     so the previous contender's spinning threads are idle; each number is the best over
     the rounds of the mean time per step. Per workload the script prints the time, Ember's
     ratio to each peer, whether Ember meets the target (no slower than the fastest peer),
     and the "% of GEMM peak": (FLOPs per step / time) / the float32 GEMM rate that NumPy
     reaches on this machine (1024x1024 float32 matmul, best of 10; measured at the start,
     between sections and at the end, and the best of those used, since a busy moment on
     a shared machine lowers it).
  2. One-sample predict latency of the MLP, in microseconds: Ember ``model.predict(x1)``,
     ``model(x1)`` and the compiled predict function called directly; PyTorch's no-grad
     forward; Keras ``predict`` and ``model(x1)`` on TF and JAX (few calls: they are slow).
     Target: Ember's predict under 50 us.
  3. Peak memory of a train step, per framework and workload: the peak resident set of a
     fresh subprocess that imports the framework, builds the model and data and runs 5
     train steps, MINUS that of a subprocess doing the same with 0 train steps, so imports,
     weights and data cancel and what is left is the extra memory the train step needs
     (its activations, gradients, optimizer slots and, for the compiled frameworks,
     tracing/compiling the step). Target: Ember's no higher than PyTorch's. The peak is
     the process's ``VmHWM`` (timing.max_rss_mb): on Linux ``ru_maxrss`` would carry over
     the parent's size into the subprocess (it survives fork and exec), which hid every
     number under this script's own few hundred MB; ``ru_maxrss`` is the fallback elsewhere.

BLAS/threads are left as they are (as in the earlier scripts) unless ``--threads N`` caps
every framework (NumPy's BLAS, PyTorch, TensorFlow; JAX only for N=1) at N threads: on a
busy machine multi-threaded BLAS calls stall waiting for descheduled threads, and one
thread each gives steadier ratios. The machine's load shows in every number; the ratios
of contenders that took turns are the steadiest.

    python benchmarks/bench_compiled.py [--steps 10] [--rounds 5] [--predict-calls 200]
        [--workloads MLP,convnet,LSTM,Transformer] [--no-tf] [--no-jax] [--no-memory]
        [--jobs 2] [--threads N]

Internal: ``--worker serve --framework keras-tf|keras-jax`` (the Keras timing servers) and
``--worker memory --framework F --workload W --train-steps N`` are the subprocesses; the
memory workers print one JSON line prefixed ``RESULT``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor


def _early_threads() -> int | None:
    """``--threads`` must reach the BLAS libraries before NumPy loads them (the env vars
    are inherited by the worker subprocesses)."""
    for i, arg in enumerate(sys.argv):
        if arg.startswith("--threads"):
            value = arg.split("=", 1)[1] if "=" in arg else sys.argv[i + 1]
            for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ[var] = value
            if value == "1":
                os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                           " --xla_cpu_multi_thread_eigen=false"
                                           " intra_op_parallelism_threads=1").strip()
            return int(value)
    return None


THREADS = _early_threads()

# NumPy (and so its BLAS) loads with these, after the thread settings above
import bench_convnet
import bench_lstm
import bench_mlp
import bench_transformer
from timing import ember_train_step, gemm_gflops, interleaved, keras_on_tensorflow, max_rss_mb

WORKLOADS = ("MLP", "convnet", "LSTM", "Transformer")
EMBER, PEERS = "ember", ("torch", "keras-tf", "keras-jax")
MEMORY_STEPS = 5


# -- FLOPs per train step -----------------------------------------------------------------
# Counted analytically from the matmuls/convolutions only (2 FLOPs per multiply-add;
# elementwise ops, softmax, norms and the optimizer are left out), and
#     train step FLOPs = 3 x forward FLOPs
# (the forward product, plus the backward's two products of the same size: gradient with
# respect to the weights and with respect to the inputs), the usual estimate. It slightly
# overcounts layers whose input gradient is not needed (the first layer).
def _mlp_forward() -> int:
    s = bench_mlp.SIZES
    return 2 * bench_mlp.BATCH * sum(a * b for a, b in itertools.pairwise(s))


def _convnet_forward() -> int:
    b = bench_convnet.BATCH
    conv1 = 2 * b * 26 * 26 * 32 * (3 * 3 * 1)    # 28x28x1 -> 26x26x32
    conv2 = 2 * b * 11 * 11 * 64 * (3 * 3 * 32)   # 13x13x32 -> 11x11x64
    dense = 2 * b * (5 * 5 * 64) * 10             # 1600 -> 10
    return conv1 + conv2 + dense


def _lstm_forward() -> int:
    m = bench_lstm
    per_step = 2 * m.BATCH * (m.FEATURES + m.UNITS) * 4 * m.UNITS   # the four gates
    return m.STEPS * per_step + 2 * m.BATCH * m.UNITS * m.CLASSES


def _transformer_forward() -> int:
    m = bench_transformer
    b, s, d, h, f = m.BATCH, m.SEQ, m.WIDTH, m.HEADS, m.FFN
    qkvo = 4 * 2 * b * s * d * d                  # Q, K, V and output projections
    attention = 2 * (2 * b * h * s * s * (d // h))  # Q K^T and weights x V
    ffn = 2 * (2 * b * s * d * f)                 # Dense(512) and Dense(128)
    return qkvo + attention + ffn + 2 * b * d * m.CLASSES


FLOPS = {"MLP": 3 * _mlp_forward(), "convnet": 3 * _convnet_forward(),
         "LSTM": 3 * _lstm_forward(), "Transformer": 3 * _transformer_forward()}


# -- workloads: data and models from the earlier scripts ----------------------------------
def make_data(workload: str):
    """``(x, y)`` of the workload, exactly as its script makes them."""
    if workload == "MLP":
        return bench_mlp.make_data()[:2]
    return {"convnet": bench_convnet, "LSTM": bench_lstm,
            "Transformer": bench_transformer}[workload].make_data()


def keras_model(workload: str, keras):
    """The compiled Keras model of the workload; ``keras`` is ember.keras or real Keras."""
    if workload == "Transformer":
        keras.utils.set_random_seed(0)
        return bench_transformer.keras_block(keras)
    return {"MLP": bench_mlp, "convnet": bench_convnet,
            "LSTM": bench_lstm}[workload].keras_model(keras)


def _torch_threads() -> None:
    if THREADS:
        import torch
        torch.set_num_threads(THREADS)


def _tf_threads() -> None:
    if THREADS:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
        tf.config.threading.set_inter_op_parallelism_threads(THREADS)


def torch_step(workload: str, x, y):
    """PyTorch's train step closure, from the workload's script (None without torch)."""
    _torch_threads()
    if workload == "MLP":
        fns = bench_mlp.torch_bench(x, y, x[:1].copy(), 0)
        return fns and fns["train step"]
    if workload == "LSTM":
        fns = bench_lstm.torch_bench(x, y)
        return fns and fns["train step"]
    return {"convnet": bench_convnet, "Transformer": bench_transformer}[workload].torch_step(
        x, y)


def ember_steps(workload: str, x, y):
    """Ember's compiled train step (what fit runs) and, on a second model, the eager one."""
    from ember import keras
    model = keras_model(workload, keras)
    return {"ember": ember_train_step(model, x, y),
            "ember-eager": ember_train_step(keras_model(workload, keras), x, y, eager=True)
            }, model


def keras_step(workload: str, keras, x, y):
    model = keras_model(workload, keras)
    return lambda: model.train_on_batch(x, y)


def keras_predict(keras, x1, calls: int) -> dict:
    model = keras_model("MLP", keras)
    return {"predict(x1)": interleaved({"k": lambda: model.predict(x1, verbose=0)},
                                       max(calls // 40, 3), rounds=3)["k"],
            "model(x1)": interleaved({"k": lambda: model(x1)}, max(calls // 10, 5),
                                     rounds=3)["k"]}


def _safe(what: str, fn, errors: dict, *args):
    """``fn(*args)``, or None with the error kept (and its trace printed to stderr)."""
    try:
        return fn(*args)
    except Exception as e:   # noqa: BLE001 - a failing contender must not stop the run
        errors[what] = f"{type(e).__name__}: {e}"
        print(f"[{what}] failed:", file=sys.stderr)
        traceback.print_exc()
        return None


# -- subprocess workers -------------------------------------------------------------------
def _result(obj) -> None:
    print("RESULT " + json.dumps(obj), flush=True)


_BACKENDS = {"keras-tf": "tensorflow", "keras-jax": "jax"}


def worker_keras_serve(args) -> None:
    """Real Keras on one backend (``args.framework``: keras-tf or keras-jax; Keras takes
    one backend per process) as a timing server. It builds and warms every workload's
    step, prints ``READY {...}``, then answers one JSON request per line: ``{"workload": w,
    "steps": n}`` -> ``TIME s`` (seconds per step of n steps), ``{"predict": calls}`` ->
    ``RESULT {...}``, ``{"quit": true}`` -> exit. The parent thus times it in turn with
    Ember and PyTorch, and its threads sleep in another process meanwhile."""
    backend = _BACKENDS[args.framework]
    os.environ["KERAS_BACKEND"] = backend
    import keras
    if keras.backend.backend() != backend:
        raise RuntimeError(f"Keras picked backend {keras.backend.backend()!r}, not {backend}")
    if backend == "tensorflow":
        import tensorflow as lib
        _tf_threads()
    else:
        import jax as lib
    errors: dict = {}
    steps = {}
    for w in args.workloads:
        x, y = make_data(w)
        step = _safe(f"{args.framework} {w}", keras_step, errors, w, keras, x, y)
        # warm-up (tracing, compiling) here, before the parent starts timing anything
        if step is not None and _safe(f"{args.framework} {w}", _repeat, errors, step,
                                      3) is not None:
            steps[w] = step
    print("READY " + json.dumps({"version": f"Keras {keras.__version__} on "
                                            f"{lib.__name__} {lib.__version__}",
                                 "errors": errors}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("quit"):
            return
        if "predict" in req:
            errors = {}
            got = _safe(f"{args.framework} predict", keras_predict, errors, keras,
                        bench_mlp.make_data()[2], req["predict"]) or {}
            _result({"predict": got, "errors": errors})
            continue
        step = steps.get(req["workload"])
        t = None if step is None else _safe(f"{args.framework} {req['workload']}", _repeat,
                                            {}, step, req["steps"])
        print("TIME " + json.dumps(t), flush=True)


def _repeat(step, n: int) -> float:
    """Seconds per call of ``n`` calls of ``step``."""
    t = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t) / n


class KerasPeer:
    """A ``--worker serve`` subprocess for one Keras backend; ``turn(w)`` is a contender
    for timing.interleaved that times its steps there."""

    def __init__(self, framework: str, workloads: list[str], timeout: float = 600):
        self.framework = framework
        self._log = tempfile.TemporaryFile("w+")   # noqa: SIM115 - closed by close()
        extra = ["--threads", str(THREADS)] if THREADS else []
        self._proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), *extra, "--worker", "serve",
             "--framework", framework, "--workloads", ",".join(workloads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
            env=_worker_env())
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self._timeout = timeout
        self.info: dict = {}

    def _pump(self) -> None:
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _read(self, prefix: str):
        """The payload of the next line starting with ``prefix`` (others are skipped)."""
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise RuntimeError(f"{self.framework}: no answer in {self._timeout:.0f} s") \
                    from None
            if line is None:
                self._log.seek(0)
                tail = (self._log.read().strip().splitlines() or ["(no output)"])[-1]
                raise RuntimeError(f"{self.framework} exited: {tail}")
            if line.startswith(prefix + " "):
                return json.loads(line[len(prefix) + 1:])

    def _ask(self, req: dict, prefix: str):
        self._proc.stdin.write(json.dumps(req) + "\n")
        self._proc.stdin.flush()
        return self._read(prefix)

    def wait_ready(self) -> dict:
        self.info = self._read("READY")
        return self.info

    def turn(self, workload: str):
        peer = self

        class Turn:
            def timed_steps(self, steps: int) -> float:
                t = peer._ask({"workload": workload, "steps": steps}, "TIME")
                if t is None:
                    raise RuntimeError(f"{peer.framework} {workload} failed")
                return t
        return Turn()

    def predict(self, calls: int) -> dict:
        return self._ask({"predict": calls}, "RESULT")

    def close(self) -> None:
        try:
            self._proc.stdin.write(json.dumps({"quit": True}) + "\n")
            self._proc.stdin.close()
            self._proc.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
        self._log.close()


def worker_memory(args) -> None:
    """Build the workload's model and data in ``args.framework`` and run
    ``args.train_steps`` train steps; report the peak resident set (timing.max_rss_mb)."""
    w, n = args.workload, args.train_steps
    x, y = make_data(w)
    if args.framework == "ember":
        from ember import keras
        from ember.ops import kernels
        # the compiled kernels' code (Numba, LLVM) belongs in the baseline, as PyTorch's
        # and TensorFlow's kernels are there after their imports: load it in both runs
        kernels.warm_up()
        step = ember_train_step(keras_model(w, keras), x, y)
    elif args.framework == "torch":
        step = torch_step(w, x, y)
    elif args.framework == "keras-tf":
        keras = keras_on_tensorflow()
        if keras is None:
            raise RuntimeError("Keras on TensorFlow is not available")
        _tf_threads()
        step = keras_step(w, keras, x, y)
    elif args.framework == "keras-jax":
        os.environ["KERAS_BACKEND"] = "jax"
        import keras
        if keras.backend.backend() != "jax":
            raise RuntimeError("Keras on JAX is not available")
        step = keras_step(w, keras, x, y)
    else:
        raise ValueError(args.framework)
    if step is None:
        raise RuntimeError(f"{args.framework} is not available")
    for _ in range(n):
        step()
    _result({"maxrss_mb": max_rss_mb()})


def _worker_env(extra: dict | None = None) -> dict:
    """The environment of this script's worker subprocesses (quiet TF, JAX on the CPU)."""
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu", **(extra or {}))


def run_worker(argv: list[str], env: dict | None = None, timeout: float = 600):
    """Run this script as a worker; its RESULT object, or ``{"error": ...}``."""
    try:
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), *argv],
                              capture_output=True, text=True, env=_worker_env(env), timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
    return {"error": f"exit {proc.returncode}: {tail}"}


def measure_memory(frameworks, workloads, jobs: int) -> dict:
    """{framework: {workload: (extra MB, baseline MB) or error string}}."""
    tasks = [(f, w, n) for f in frameworks for w in workloads for n in (0, MEMORY_STEPS)]

    def one(task):
        f, w, n = task
        extra = ["--threads", str(THREADS)] if THREADS else []
        return task, run_worker([*extra, "--worker", "memory", "--framework", f, "--workload", w,
                                 "--train-steps", str(n)], timeout=300)

    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        got = dict(pool.map(one, tasks))
    out: dict = {f: {} for f in frameworks}
    for f in frameworks:
        for w in workloads:
            base, full = got[(f, w, 0)], got[(f, w, MEMORY_STEPS)]
            err = base.get("error") or full.get("error")
            out[f][w] = err if err else (full["maxrss_mb"] - base["maxrss_mb"],
                                         base["maxrss_mb"])
    return out


# -- printing -----------------------------------------------------------------------------
def _fmt(v, scale, unit, width=12, prec=3):
    return f"{'n/a':>{width}}" if v is None else f"{v * scale:>{width - len(unit)}.{prec}f}{unit}"


def print_train(train: dict, cols: list[str], gemm: float, steps: int, rounds: int) -> None:
    peers = [p for p in PEERS if p in cols]
    print(f"\nTRAIN STEP: ms per step (best of {rounds} rounds of {steps} steps; "
          f"all contenders taking turns)")
    head = f"{'workload':<12}{'GFLOP':>7}" + "".join(f"{c:>13}" for c in cols)
    head += "".join(f"{'ember/' + p:>16}" for p in peers) + "   target (<= fastest peer)"
    print(head)
    for w in train[EMBER]:
        t = train[EMBER][w]
        row = f"{w:<12}{FLOPS[w] / 1e9:>7.3f}"
        row += "".join(_fmt(train[c].get(w), 1e3, "ms", 13) for c in cols)
        ratios, fastest = [], None
        for p in peers:
            tp = train[p].get(w)
            ratios.append(f"{'n/a':>16}" if t is None or tp is None else f"{t / tp:>16.2f}")
            if tp is not None and (fastest is None or tp < train[fastest][w]):
                fastest = p
        row += "".join(ratios)
        if t is None or fastest is None:
            row += "   n/a"
        else:
            r = t / train[fastest][w]
            row += f"   {'met' if r <= 1 else 'MISSED'} ({r:.2f}x {fastest})"
        print(row)
    print(f"\n% OF GEMM PEAK: (FLOPs per step / step time) / {gemm:.1f} GFLOP/s "
          f"(FLOPs = 3 x forward matmul/conv FLOPs; over 100% = faster than NumPy's GEMM)")
    print(f"{'workload':<12}" + "".join(f"{c:>13}" for c in cols))
    for w in train[EMBER]:
        cells = []
        for c in cols:
            t = train[c].get(w)
            cells.append(f"{'n/a':>13}" if t is None
                         else f"{100 * FLOPS[w] / t / 1e9 / gemm:>12.1f}%")
        print(f"{w:<12}" + "".join(cells))


def print_predict(pred: dict) -> None:
    cols = [c for c in pred if pred[c]]
    rows = ["predict(x1)", "model(x1)", "compiled predict_function"]
    print("\nONE-SAMPLE MLP PREDICT: microseconds per call (torch: no-grad forward in every "
          "row; keras: fewer calls)")
    print(f"{'call':<27}" + "".join(f"{c:>12}" for c in cols))
    for r in rows:
        vals = [pred[c].get(r, pred[c].get("predict(x1)") if c == "torch" else None)
                for c in cols]
        print(f"{r:<27}" + "".join(_fmt(v, 1e6, "us", 12, 1) for v in vals))
    t = pred.get(EMBER, {}).get("predict(x1)")
    if t is not None:
        print(f"target: ember predict(x1) < 50 us: {'met' if t * 1e6 < 50 else 'MISSED'} "
              f"({t * 1e6:.1f} us)")


def print_memory(mem: dict, workloads) -> None:
    cols = list(mem)
    print(f"\nPEAK MEMORY OF A TRAIN STEP: MB = peak RSS (VmHWM) of a fresh process that "
          f"imports, builds model and data and runs {MEMORY_STEPS} train steps\n  - the same "
          f"with 0 steps; in brackets the 0-step baseline")
    print(f"{'workload':<12}" + "".join(f"{c:>20}" for c in cols) + f"{'ember/torch':>13}"
          "   target (<= torch)")
    errors = []
    for w in workloads:
        cells = []
        for c in cols:
            v = mem[c][w]
            if isinstance(v, str):
                errors.append(f"{c} {w}: {v}")
                cells.append(f"{'error':>20}")
            else:
                cells.append(f"{v[0]:>10.1f} ({v[1]:>6.0f})".rjust(20))
        e, t = mem.get(EMBER, {}).get(w), mem.get("torch", {}).get(w)
        if isinstance(e, tuple) and isinstance(t, tuple):
            ratio = f"{e[0] / t[0]:>13.2f}" if t[0] > 0 else f"{'-':>13}"
            verdict = "met" if e[0] <= t[0] else "MISSED"
        else:
            ratio, verdict = f"{'n/a':>13}", "n/a"
        print(f"{w:<12}" + "".join(cells) + ratio + "   " + verdict)
    for e in errors:
        print("  error:", e)


# -- main ---------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10, help="train steps per round")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (best kept)")
    parser.add_argument("--predict-calls", type=int, default=200,
                        help="one-sample predict calls per round (Keras: fewer)")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--no-tf", action="store_true", help="skip Keras on TensorFlow")
    parser.add_argument("--no-jax", action="store_true", help="skip Keras on JAX")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory section")
    parser.add_argument("--jobs", type=int, default=2,
                        help="memory subprocesses run at once (peak RSS is per process)")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap every framework's CPU threads (read before NumPy loads)")
    parser.add_argument("--worker", choices=("serve", "memory"), help=argparse.SUPPRESS)
    parser.add_argument("--framework", help=argparse.SUPPRESS)
    parser.add_argument("--workload", help=argparse.SUPPRESS)
    parser.add_argument("--train-steps", type=int, default=MEMORY_STEPS,
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.workloads = [w for w in args.workloads.split(",") if w]
    unknown = set(args.workloads) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}; choose from {WORKLOADS}")
    if args.worker == "serve":
        return worker_keras_serve(args)
    if args.worker == "memory":
        return worker_memory(args)

    started = time.perf_counter()
    errors: dict = {}
    # the GEMM rate is measured at the start and again between sections and at the end;
    # the best is used, so that a busy moment on a shared machine does not lower it
    gemms = [gemm_gflops()]
    import ember
    versions = [f"Ember {getattr(ember, '__version__', '?')}"]
    try:
        import torch
        _torch_threads()
        versions.append(f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads)")
    except ImportError:
        versions.append("PyTorch: not installed")
    print(f"Compiled train/predict steps, Ember vs peers; {os.cpu_count()} CPUs"
          f"{f', {THREADS} thread(s) each' if THREADS else ''}; NumPy float32 GEMM "
          f"(1024^3, best of 10): {gemms[0]:.1f} GFLOP/s")

    # 1. train steps: Ember (compiled, eager), PyTorch and the Keras peers (each backend in
    # its own server process, started and warmed up before any timing) take turns
    peers = {}
    for name, skip in (("keras-tf", args.no_tf), ("keras-jax", args.no_jax)):
        if not skip:
            peers[name] = KerasPeer(name, args.workloads)
    if peers:
        print(f"  building and warming up {', '.join(peers)} (subprocesses) ...", flush=True)
    for name, peer in list(peers.items()):
        info = _safe(name, peer.wait_ready, errors)
        if info is None:
            peer.close()
            del peers[name]
        else:
            versions.append(info["version"])
            errors.update(info["errors"])
    train = {c: {} for c in ("ember", "ember-eager", "torch", "keras-tf", "keras-jax")}
    ember_models = {}
    for w in args.workloads:
        x, y = make_data(w)
        fns = _safe(f"ember {w}", ember_steps, errors, w, x, y)
        named = {}
        if fns is not None:
            named.update(fns[0])
            ember_models[w] = fns[1]
        tstep = _safe(f"torch {w}", torch_step, errors, w, x, y)
        if tstep is not None:
            named["torch"] = tstep
        # one contender failing must not lose the others: check each once before timing
        for k in list(named):
            if _safe(f"{k} {w}", named[k], errors) is None and f"{k} {w}" in errors:
                del named[k]
        for name, peer in peers.items():
            if f"{name} {w}" not in errors:
                named[name] = peer.turn(w)
        res = _safe(f"timing {w}", interleaved, errors, named, args.steps,
                    args.rounds) or {}
        for k, times in train.items():
            times[w] = res.get(k)
        print(f"  timed {w}: " + ", ".join(f"{k} {v * 1e3:.2f} ms" for k, v in res.items()),
              flush=True)

    # 2. one-sample predict: Ember and PyTorch taking turns; the Keras peers after (they
    # are 20x-1000x slower, so a busy moment cannot change the verdict)
    pred = {"ember": {}, "torch": {}}
    x, y, x1 = bench_mlp.make_data()
    if "MLP" in ember_models:
        model = ember_models["MLP"]
        pf = model.make_predict_function()
        x1t = ember.constant(x1)
        named = {"predict(x1)": lambda: model.predict(x1, verbose=0),
                 "model(x1)": lambda: model(x1),
                 "compiled predict_function": lambda: pf(((x1t,),))}
        tfns = _safe("torch predict", bench_mlp.torch_bench, errors, x, y, x1, 0)
        if tfns:
            named["torch"] = tfns["predict(1 sample)"]
        res = _safe("predict timing", interleaved, errors, named, args.predict_calls,
                    args.rounds) or {}
        pred["torch"] = {"predict(x1)": res.get("torch")}
        pred["ember"] = {k: res.get(k) for k in named if k != "torch"}
    for name, peer in peers.items():
        got = _safe(f"{name} predict", peer.predict, errors, args.predict_calls) \
            if "MLP" in args.workloads else None
        if got is not None:
            pred[name] = got["predict"]
            errors.update(got["errors"])
        peer.close()

    gemms.append(gemm_gflops())

    # 3. memory, in fresh subprocesses, once the peers' servers are gone
    mem = None
    if not args.no_memory:
        print("  measuring memory (subprocesses) ...", flush=True)
        frameworks = ["ember", "torch"] + ([] if args.no_tf else ["keras-tf"]) + \
            ([] if args.no_jax else ["keras-jax"])
        mem = measure_memory(frameworks, args.workloads, args.jobs)

    print("\n" + "; ".join(versions))
    cols = ["ember", "ember-eager", "torch"] + [
        p for p in ("keras-tf", "keras-jax") if any(v is not None for v in train[p].values())]
    gemms.append(gemm_gflops())
    gemm = max(gemms)
    print(f"NumPy float32 GEMM rate (1024^3, best of 10), measured {len(gemms)} times over the "
          f"run: {', '.join(f'{g:.1f}' for g in gemms)} GFLOP/s; using the best, {gemm:.1f}")
    print_train(train, cols, gemm, args.steps, args.rounds)
    print_predict(pred)
    if mem is not None:
        print_memory(mem, args.workloads)
    if errors:
        print("\nERRORS (traces on stderr):")
        for k, v in errors.items():
            print(f"  {k}: {v}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
