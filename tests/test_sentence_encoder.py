"""Sentence vectors (models/sentence_encoder.py): the real all-MiniLM-L6-v2 int8 model on
ONNX Runtime, the shipped vectors of the bundled data, the genre models' block."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from models import genre_classifier, sentence_encoder
from models.sentence_encoder import Encoder, EncoderMissing
from models.text_features import SENTENCE_VECTOR, FeatureBuilder, text_of, with_sentence_vectors

HAUNTED = "A family moves into an old house where a ghost haunts them at night."
CURSED = "A cursed mansion terrifies the couple who bought it: something walks its halls."
BAKERY = "A pastry chef leaves her job to open a small bakery in Lyon."


def test_meaning_not_words_brings_texts_together():
    """Two haunted-house synopses that share no content word are closer than either is
    to a bakery: what TF-IDF cannot see, and why the block is there."""
    haunted, cursed, bakery = sentence_encoder.encoder().embed(
        [HAUNTED, CURSED, BAKERY]).astype(np.float32)
    assert np.linalg.norm(haunted) == pytest.approx(1, abs=1e-3)
    assert haunted @ cursed > 0.3 > 0.1 > max(haunted @ bakery, cursed @ bakery)  # 0.37, 0.08


def test_a_batch_gives_each_text_its_own_vector():
    """Batches sort by length and pad: a text's vector must not depend on its batch."""
    texts = [BAKERY, HAUNTED * 3, "", "x", CURSED] * 8
    together = sentence_encoder.encoder().embed(texts).astype(np.float32)
    alone = np.vstack([sentence_encoder.encoder().embed([t]) for t in texts[:5]])
    assert np.abs(together[:5] - alone).max() < 1e-3   # measured 0 (float16)
    assert np.abs(together[:5] - together[5:10]).max() == 0


def test_shipped_vectors_cover_the_bundled_data_and_are_the_models(warehouse_con):
    """Every text the genre training of the bundled build embeds has a shipped vector
    (else each refresh would embed it again: ~4 min), and the shipped vectors are what
    the installed model gives. A change of the snapshot or of the ETL's text fails here:
    regenerate with `python -m models.genre_classifier DATA_DIR`."""
    texts = genre_classifier.sentence_texts(warehouse_con.cursor())
    assert len(texts) > 20_000
    shipped = sentence_encoder.shipped()
    missing = [t for t in texts if sentence_encoder.text_key(t) not in shipped]
    assert not missing, f"{len(missing)} texts without a shipped vector, e.g. {missing[:2]}"
    sample = texts[::1000]
    fresh = sentence_encoder.encoder().embed(sample).astype(np.float32)
    stored = np.vstack([shipped[sentence_encoder.text_key(t)] for t in sample]).astype(np.float32)
    assert (fresh * stored).sum(axis=1).min() > 0.999


def test_a_model_file_that_is_not_the_published_one_is_refused(tmp_path):
    tampered = tmp_path / "model.onnx"
    shutil.copy(sentence_encoder._model_file(), tampered)
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    with pytest.raises(EncoderMissing, match="not the published all-MiniLM-L6-v2"):
        Encoder(tampered)


def test_the_block_reads_a_training_rows_vector_and_embeds_a_requests():
    """Training rows carry their vector (embedded once per run, before the folds); a
    request has none and is embedded: the same numbers either way."""
    rows = [{"title": "Night House", "description": HAUNTED, "kind": "movie",
             "labels": ["Horror Movies"]},
            {"title": "House of Bread", "description": BAKERY, "kind": "movie",
             "labels": ["Dramas"]}]
    trained = with_sentence_vectors(rows)
    assert all(r[SENTENCE_VECTOR].shape == (384,) for r in trained)
    assert SENTENCE_VECTOR in genre_classifier.form_record(trained[0])
    features = FeatureBuilder("netflix", {"meta": 0.5, "sentence": 0.5})
    from_vectors = features.fit_transform(trained)
    assert [b[0] for b in features.blocks] == ["text", "meta", "sentence"]
    embedded = features.transform(rows)   # as a request: no vector given
    assert np.abs((from_vectors - embedded).toarray()).max() < 1e-3
    # two rows determine one principal axis (of the 64 the block keeps at most): one
    # column, centred on the rows' mean, opposite on the two rows
    assert features.blocks[-1][2].axes.shape == (384, 1)
    sentence = from_vectors.toarray()[:, -1]
    assert sentence[0] == pytest.approx(-sentence[1], abs=1e-3) and abs(sentence[0]) > 0.1


@pytest.mark.parametrize("damage", ["torn", "empty", "not a zip"])
def test_a_damaged_shipped_file_costs_time_not_predictions(tmp_path, monkeypatch, damage):
    """A torn, empty or foreign vectors file is read as none: texts are embedded."""
    broken = tmp_path / "vectors.npz"
    whole = sentence_encoder.SHIPPED.read_bytes()
    broken.write_bytes({"torn": whole[:len(whole) // 2], "empty": b"",
                        "not a zip": b"keys,vectors\n"}[damage])
    monkeypatch.setattr(sentence_encoder, "SHIPPED", broken)
    monkeypatch.setattr(sentence_encoder, "_loaded", {})
    assert sentence_encoder.shipped() == {}
    found = sentence_encoder.vectors([HAUNTED]).astype(np.float32)
    assert found[0] @ sentence_encoder.encoder().embed([HAUNTED])[0].astype(np.float32) > 0.999


def test_a_broken_character_in_a_synopsis_is_read_not_refused():
    """A lone surrogate (half an emoji from a JSON body) made the key and the tokenizer
    fail: a 500 from the API. It reads as "?"."""
    broken, replaced = sentence_encoder.vectors(["A ghost \ud800 story", "A ghost ? story"])
    assert np.abs(broken.astype(np.float32) - replaced.astype(np.float32)).max() == 0
