"""GPT-2 training, checkpoint resume, KV-cached sampling and the corpus cache (SMC §7, Fig. 8)."""

import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import torch

from modelcollapse.experiments import lm
from modelcollapse.experiments.lm import build_model, generate, synthetic_corpus, train_lm
from modelcollapse.experiments.lm_config import Sampling, TrainConfig

VOCAB, CTX, EOS = 64, 16, 0


def model_without_eos_bias(seed=0):
    """A random tiny GPT-2 whose end-of-text logit is 0, so greedy decoding runs long."""
    model = build_model("tiny", VOCAB, CTX, eos=EOS, seed=seed)
    with torch.no_grad():
        model.transformer.wte.weight[EOS] = 0.0
    return model.eval()


def blocks(seed=0, rows=64):
    rng = np.random.default_rng(seed)
    # a learnable stream: token t+1 = token t + 1 (mod VOCAB) half the time
    stream = np.cumsum(rng.integers(0, 2, rows * (CTX + 1))) % (VOCAB - 1) + 1
    return stream.reshape(rows, CTX + 1).astype(np.int32)


@pytest.mark.parametrize("sampling", [Sampling(top_k=1, max_new_tokens=12),
                                      Sampling(temperature=0.7, top_p=0.9, top_k=20, max_new_tokens=12)])
def test_kv_cache_matches_recomputation(sampling):
    model = model_without_eos_bias()
    runs = [generate(model, 5, sampling, eos=EOS, generator=torch.Generator().manual_seed(7), kv_cache=kv)
            for kv in (True, False)]
    (tok_a, lp_a), (tok_b, lp_b) = runs
    assert tok_a.shape == (5, 12)
    assert torch.equal(tok_a, tok_b)
    torch.testing.assert_close(lp_a, lp_b, atol=1e-5, rtol=1e-5)
    assert bool((lp_a < 0).all())


def test_sampling_uses_the_cache_api_without_deprecation_warnings(caplog):
    """transformers 5.x deprecates the ``past_key_values`` argument (a FutureWarning and a
    logged warning); the sampler passes a ``DynamicCache`` as ``cache`` instead."""
    model = model_without_eos_bias()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tokens, _ = generate(model, 3, Sampling(max_new_tokens=8), eos=EOS,
                             generator=torch.Generator().manual_seed(1))
    assert tokens.shape == (3, 8)
    assert not [r for r in caplog.records if "deprecated" in r.getMessage()]


def test_generation_stops_and_pads_after_eos():
    model = model_without_eos_bias()
    with torch.no_grad():
        model.transformer.wte.weight[EOS] = 50.0 * model.transformer.wte.weight[1:].mean(0)
    tokens, _ = generate(model, 3, Sampling(max_new_tokens=10), eos=EOS,
                         generator=torch.Generator().manual_seed(0))
    rows = [row for row in tokens.tolist() if EOS in row]
    assert rows, "the boosted end-of-text token should end some documents"
    for row in rows:
        assert set(row[row.index(EOS):]) == {EOS}


@pytest.mark.parametrize("sampling, kept", [
    (Sampling(top_k=2), [True, True, False, False]),
    (Sampling(top_p=0.5), [True, False, False, False]),
    (Sampling(top_p=0.7), [True, True, False, False]),
    (Sampling(top_k=3, top_p=0.95), [True, True, True, False]),   # 0.95 of the top-3 mass
    (Sampling(top_k=3, top_p=0.9), [True, True, False, False]),
    (Sampling(), [True] * 4),
    (Sampling(temperature=2.0), [True] * 4),
])
def test_sampler_draws_from_the_truncated_renormalised_law(sampling, kept):
    """Token frequencies over 200,000 draws match softmax(logits / T) cut to the kept set
    and renormalised (each within 5 standard errors); cut tokens are never drawn."""
    logits = torch.tensor([[3.0, 2.0, 1.0, 0.0]])  # probabilities 0.64, 0.24, 0.09, 0.03
    rows = 200_000
    draws = lm.sample_next(logits.repeat(rows, 1), sampling, torch.Generator().manual_seed(3))
    counts = torch.bincount(draws, minlength=4).double()
    p = torch.softmax(logits[0].double() / sampling.temperature, -1) * torch.tensor(kept)
    p = p / p.sum()
    se = (p * (1 - p) / rows).sqrt()
    assert bool((counts[~torch.tensor(kept)] == 0).all())
    assert bool(((counts / rows - p).abs() <= 5 * se + 1e-12).all()), (counts / rows, p)


def test_sampler_keeps_ties_at_the_cut_and_never_draws_a_zero_probability():
    logits = torch.tensor([[2.0, 1.0, 1.0, float("-inf")]])
    draws = lm.sample_next(logits.repeat(20_000, 1), Sampling(top_k=2),
                           torch.Generator().manual_seed(0))
    assert set(draws.tolist()) == {0, 1, 2}
    with pytest.raises(ValueError, match="^top_p"):
        Sampling(top_p=0.0)


@pytest.mark.parametrize("missing, per_document, expected", [
    (1000, 10.0, 125), (10, 10.0, 32), (10**6, 10.0, 512), (100, 0.0, 512)])
def test_next_batch_is_sized_to_the_missing_tokens(missing, per_document, expected):
    assert lm.next_batch(missing, per_document, 512) == expected


CFG = TrainConfig(steps=40, batch_size=8, lr=3e-3, warmup=5, dropout=0.1, eval_every=20,
                  checkpoint_every=10)


def test_training_is_seeded_and_learns():
    data = blocks()
    runs = []
    for seed in (0, 0, 1):
        model = build_model("tiny", VOCAB, CTX, eos=EOS, dropout=0.1, seed=seed)
        runs.append((train_lm(model, data, data[:8], CFG, seed=seed), model))
    (a, ma), (b, mb), (c, _) = runs
    assert a["curve"] == b["curve"] and a["eval_loss"] != c["eval_loss"]
    assert all(torch.equal(p, q) for p, q in zip(ma.parameters(), mb.parameters(), strict=True))
    assert a["eval_loss"] < np.log(VOCAB) - 0.3
    assert [p["tokens"] for p in a["curve"]] == [20 * 8 * CTX, 40 * 8 * CTX]


RESUME_SCRIPT = """
import sys
import numpy as np
import torch  # noqa: E402
torch.set_num_threads(1)
from modelcollapse.experiments.lm import build_model, train_lm  # noqa: E402
from modelcollapse.experiments.lm_config import TrainConfig  # noqa: E402
data = np.load(sys.argv[2])
cfg = TrainConfig(steps=int(sys.argv[3]), batch_size=8, lr=3e-3, warmup=5, dropout=0.1,
                  eval_every=100, checkpoint_every=5)
model = build_model("tiny", 64, 16, eos=0, dropout=0.1, seed=0)
train_lm(model, data, data[:8], cfg, seed=0, checkpoint=sys.argv[1])
"""


def test_resume_after_sigkill_matches_an_uninterrupted_run(tmp_path):
    steps = 120
    data = blocks(rows=128)
    np.save(tmp_path / "data.npy", data)
    ckpt = tmp_path / "run.pt"
    proc = subprocess.Popen([sys.executable, "-c", RESUME_SCRIPT, str(ckpt), str(tmp_path / "data.npy"),
                             str(steps)])
    deadline = time.time() + 120
    while not ckpt.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    killed_at = torch.load(ckpt, weights_only=False)["state"]["step"]
    assert 0 < killed_at < steps

    cfg = TrainConfig(steps=steps, batch_size=8, lr=3e-3, warmup=5, dropout=0.1, eval_every=100,
                      checkpoint_every=5)
    resumed = build_model("tiny", VOCAB, CTX, eos=EOS, dropout=0.1, seed=0)
    out = train_lm(resumed, data, data[:8], cfg, seed=0, checkpoint=ckpt)
    straight = build_model("tiny", VOCAB, CTX, eos=EOS, dropout=0.1, seed=0)
    ref = train_lm(straight, data, data[:8], cfg, seed=0)
    assert out["curve"] == ref["curve"]
    for p, q in zip(resumed.parameters(), straight.parameters(), strict=True):
        torch.testing.assert_close(p, q, atol=0, rtol=0)
    # a finished checkpoint is loaded, not retrained
    again = build_model("tiny", VOCAB, CTX, eos=EOS, dropout=0.1, seed=0)
    assert train_lm(again, data, data[:8], cfg, seed=0, checkpoint=ckpt)["curve"] == ref["curve"]


def test_synthetic_corpus_is_filtered_and_cached_by_content(tmp_path, monkeypatch):
    model = model_without_eos_bias()
    with torch.no_grad():  # make documents end early, so the filter has many to rank
        model.transformer.wte.weight[EOS] = 3.0 * model.transformer.wte.weight[1:].mean(0)
    sampling = Sampling(max_new_tokens=10)
    stream, meta = synthetic_corpus(model, 300, sampling, eos=EOS, seed=1, batch_size=16,
                                    keep_fraction=0.5, cache_dir=tmp_path)
    assert not meta["cached"] and len(stream) >= 300 and stream[-1] == EOS
    assert meta["kept_documents"] == max(1, int(meta["documents"] * 0.5))
    assert (stream == EOS).sum() == meta["kept_documents"]

    def no_sampling(*args, **kwargs):
        raise AssertionError("the cached corpus should have been reused")

    monkeypatch.setattr(lm, "generate", no_sampling)
    again, meta2 = synthetic_corpus(model, 300, sampling, eos=EOS, seed=1, batch_size=16,
                                    keep_fraction=0.5, cache_dir=tmp_path)
    assert meta2["cached"] and np.array_equal(stream, again)
    with torch.no_grad():  # different weights -> different content hash -> no reuse
        model.lm_head.weight[1, 0] += 1.0
    with pytest.raises(AssertionError, match="cached corpus"):
        synthetic_corpus(model, 300, sampling, eos=EOS, seed=1, batch_size=16, keep_fraction=0.5,
                         cache_dir=tmp_path)
