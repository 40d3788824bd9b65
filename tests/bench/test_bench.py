"""``retold bench`` on tiny corpora: it runs, writes its record, and skips missing anchors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.bench import anchors as anchors_module
from retold.bench.memory import PeakMemory
from retold.bench.run import build_corpus, run_bench
from retold.bench.stages import candidate_pairs, components
from retold.bench.synth import SynthConfig, edit, generate
from retold.cli import main
from retold.documents import Document


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_generator_is_deterministic_and_plants_copies() -> None:
    first = [d.text for d in generate(60, SynthConfig(seed=3, copy_share=0.3))]
    again = [d.text for d in generate(60, SynthConfig(seed=3, copy_share=0.3))]
    other = [d.text for d in generate(60, SynthConfig(seed=4, copy_share=0.3))]
    assert first == again
    assert first != other
    assert all(t.strip() for t in first)


def test_generator_from_seed_sentences() -> None:
    pool = ["Alpha beta gamma delta.", "Epsilon zeta eta theta."]
    docs = list(generate(5, SynthConfig(copy_share=0.0), seed_sentences=pool))
    for d in docs:
        assert set(d.text.replace("\n\n", " ").split(". ")) <= {
            "Alpha beta gamma delta",
            "Epsilon zeta eta theta",
            "Alpha beta gamma delta.",
            "Epsilon zeta eta theta.",
        }


def test_edit_changes_text() -> None:
    import random

    text = " ".join(next(generate(1)).text.split())
    assert edit(text, random.Random(1), rate=1.0) != text


def test_synth_config_validation() -> None:
    with pytest.raises(ValueError, match=r"copy_share must be in \[0.0, 1.0\)"):
        SynthConfig(copy_share=1.0)


def test_build_corpus_puts_real_documents_first() -> None:
    real = [Document("r1", "Real text one. It has two sentences.")]
    docs = build_corpus(4, real)
    assert [d.id for d in docs][:2] == ["r1", "syn000000"] and len(docs) == 4


def test_candidate_pairs_and_components() -> None:
    import numpy as np

    keys = np.array([[1, 9], [1, 8], [2, 8], [3, 7]])
    assert candidate_pairs(keys) == [(0, 1), (1, 2)]
    assert candidate_pairs(keys, max_bucket=1) == []
    assert components(4, [(0, 1), (1, 2)]) == [[0, 1, 2]]


def test_peak_memory_sees_growth() -> None:
    with PeakMemory() as mem:
        block = bytearray(80 * 2**20)
        block[::4096] = b"x" * len(block[::4096])
    assert mem.peak_mb >= mem.start_mb
    assert mem.seconds >= 0


def test_missing_anchor_is_skipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(anchors_module, "installed", lambda name: False)
    timing = anchors_module.run_anchor("datasketch", list(generate(5)), tmp_path)
    assert timing.skipped.startswith("not installed")
    assert timing.to_dict() == {"anchor": "datasketch", "skipped": timing.skipped}


def test_run_bench_record(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anchors_module, "installed", lambda name: name == "rensa")
    record = run_bench(
        [30], anchors=["rensa", "datasketch"], stages=["read", "segment", "minhash", "candidates"]
    )
    [size] = record["sizes"]
    assert size["documents"] == 30
    assert [s["stage"] for s in size["stages"]] == ["read", "segment", "minhash", "candidates"]
    assert size["anchors"][1]["skipped"]
    assert set(size["ratios"]) == {"rensa"}


def test_cli_bench_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, _ = _run(
        ["bench", "--sizes", "50", "--out", str(out), "--anchors", "rensa", "--no-plot", "-q"],
        capsys,
    )
    assert code == 0
    record = json.loads((out / "bench.json").read_text())
    stages = [s["stage"] for s in record["sizes"][0]["stages"]]
    assert stages == ["read", "segment", "minhash", "candidates", "embed", "align", "cluster"]
    assert "rensa" in stdout


def test_cli_bench_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "out"
    code, _, _ = _run(
        [
            "bench",
            "--sizes",
            "20,40",
            "--out",
            str(out),
            "--anchors",
            "",
            "--stages",
            "read,segment,minhash",
            "-q",
        ],
        capsys,
    )
    assert code == 0
    assert (out / "bench.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sizes", "ten"], "Error: --sizes 'ten': give document counts like 1000,10000\n"),
        (["--sizes", "1"], "Error: --sizes: every size must be at least 2 documents\n"),
        (
            ["--anchors", "faiss"],
            "Error: --anchors: unknown faiss; choose from datasketch, rensa, datatrove\n",
        ),
    ],
)
def test_cli_bench_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["bench", *args], capsys)
    assert code == 2
    assert err == message
