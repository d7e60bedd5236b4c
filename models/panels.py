"""Data for the anomaly and cluster panels: trained artifacts, narrowed by the filters.

Both models are fitted on the whole catalog by `refresh` and only read here: a global
filter chooses which of the already-scored titles are shown (their show_ids come from
the warehouse's `filtered_titles` macro, queries/sql/{anomalies,clusters}_*.sql), it
never refits anything. Functions raise artifacts.ModelMissing when the build has no
trained model; the pages turn that into a message.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from models import serving
from queries.db import Warehouse
from queries.filters import Filters

if TYPE_CHECKING:   # the classes come in with their artifacts: no scikit-learn at app start
    from models.anomalies import AnomalyModel
    from models.clusters import ClusterModel

MAP_POINTS = 3000   # the cluster map draws at most this many titles (a fixed random sample)


def anomalies_filtered_show_ids(wh: Warehouse, filters: Filters) -> pl.DataFrame:
    """Grain: one row per filtered title with all four audience metrics."""
    return wh.query("anomalies_filtered_show_ids", **filters.params())


def clusters_filtered_show_ids(wh: Warehouse, filters: Filters) -> pl.DataFrame:
    """Grain: one row per filtered title."""
    return wh.query("clusters_filtered_show_ids", **filters.params())


def anomaly_model(wh: Warehouse) -> AnomalyModel:
    """The anomaly model trained on the served build (ModelMissing otherwise)."""
    return serving.load(wh.paths.data_dir, wh.build_id, "anomalies")[0]


def cluster_model(wh: Warehouse) -> ClusterModel:
    """The cluster model trained on the served build (ModelMissing otherwise)."""
    return serving.load(wh.paths.data_dir, wh.build_id, "clusters")[0]


def anomaly_titles(wh: Warehouse, filters: Filters) -> pl.DataFrame:
    """Grain: one row per scored title passing the filters, most unusual first
    (metrics, z-scores, anomaly_score, flagged, reason)."""
    titles = anomaly_model(wh).titles
    if not filters.is_empty():
        titles = titles.join(anomalies_filtered_show_ids(wh, filters), on="show_id", how="semi")
    return titles.sort("anomaly_score", descending=True)


def flagged_titles(wh: Warehouse, filters: Filters) -> pl.DataFrame:
    """Grain: one row per flagged title passing the filters, most unusual first."""
    return anomaly_titles(wh, filters).filter(pl.col("flagged"))


def cluster_titles(wh: Warehouse, filters: Filters) -> pl.DataFrame:
    """Grain: one row per title passing the filters: its cluster and map position."""
    titles = cluster_model(wh).titles
    if not filters.is_empty():
        titles = titles.join(clusters_filtered_show_ids(wh, filters), on="show_id", how="semi")
    return titles


def cluster_map(wh: Warehouse, filters: Filters, cap: int = MAP_POINTS) -> pl.DataFrame:
    """Grain: one row per drawn title (at most `cap`, a fixed random sample of the
    filtered titles), with `filtered_titles` = how many passed the filters."""
    titles = cluster_titles(wh, filters)
    return titles.sort("map_rank").head(cap).with_columns(
        filtered_titles=pl.lit(titles.height, dtype=pl.Int64))


def cluster_summary(wh: Warehouse, filters: Filters) -> pl.DataFrame:
    """Grain: one row per cluster: its description (name, size, top terms, top
    categories, typical titles) and `filtered` = its titles passing the filters."""
    clusters = cluster_model(wh).clusters
    counts = cluster_titles(wh, filters)["cluster"].value_counts(name="filtered")
    return clusters.join(counts.cast({"cluster": clusters.schema["cluster"]}), on="cluster",
                         how="left").with_columns(pl.col("filtered").fill_null(0))


def anomaly_facts(wh: Warehouse) -> dict:
    """The settings and counts the panel states: contamination, titles, flags, stability."""
    model = anomaly_model(wh)
    return {"contamination": model.contamination, "titles": model.titles.height,
            "flagged": model.flagged.height, "trees": model.forest.n_estimators,
            "stability": sum(model.stability) / len(model.stability) if model.stability else None}


def cluster_facts(wh: Warehouse) -> dict:
    """k, how it was chosen, and how much of the text space the 2-D map keeps."""
    model, meta = serving.load(wh.paths.data_dir, wh.build_id, "clusters")
    chosen = model.selection.filter(pl.col("chosen")).row(0, named=True)
    return {"k": model.k, "silhouette": chosen["silhouette"], "titles": model.titles.height,
            "tolerance": meta.params.get("tolerance"), "components": model.svd.n_components,
            "k_values": (int(model.selection["k"].min()), int(model.selection["k"].max())),
            "map_variance": float(model.pca.explained_variance_ratio_.sum())}


def k_selection(wh: Warehouse) -> pl.DataFrame:
    """Grain: one row per k tried: silhouette, chosen, best."""
    return cluster_model(wh).selection
