"""A byte-level BPE tokenizer trained locally on the real training text (SMC §7, Fig. 8).

The paper presumably used GPT-2's tokenizer ([OPEN] in SMC §7); training one on the
experiment's own corpus keeps everything offline and the vocabulary matched to the model
size. Every document ends with the end-of-text token, which is also the generator's prompt
and stop token.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

EOS = "<|endoftext|>"
ENCODE_BATCH = 10_000  # documents encoded per call


def train_tokenizer(documents: Sequence[str], vocab_size: int) -> Tokenizer:
    """Train a byte-level BPE tokenizer with ``vocab_size`` entries (including ``EOS``)."""
    if vocab_size < 257:
        raise ValueError(f"vocab_size must be >= 257 (256 bytes + {EOS}), got {vocab_size}")
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(documents, trainer=trainer)
    return tok


def eos_id(tok: Tokenizer) -> int:
    return tok.token_to_id(EOS)


def encode_documents(tok: Tokenizer, documents: Sequence[str]) -> np.ndarray:
    """One token stream: each document's tokens followed by ``EOS`` (int32)."""
    end = eos_id(tok)
    parts = [np.zeros(0, dtype=np.int32)]
    for i in range(0, len(documents), ENCODE_BATCH):  # bounded memory for large corpora
        encoded = tok.encode_batch(list(documents[i:i + ENCODE_BATCH]))
        parts += [np.array([*e.ids, end], dtype=np.int32) for e in encoded]
    return np.concatenate(parts)


def decode_documents(tok: Tokenizer, stream: np.ndarray) -> list[str]:
    """Inverse of :func:`encode_documents` (documents split at ``EOS``)."""
    end = eos_id(tok)
    cuts = np.flatnonzero(stream == end)
    starts = np.concatenate([[0], cuts + 1])[: len(cuts)]
    return [tok.decode(stream[a:b].tolist()) for a, b in zip(starts, cuts, strict=True)]

