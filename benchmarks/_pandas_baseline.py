"""The baseline for bench_callbacks.py: the same aggregations in pandas, per request.

This is what the Streamlit dashboards the app replaces do: load the tables into pandas
once at start (st.cache_data), then on every interaction apply the filters as boolean
masks and aggregate with idiomatic pandas (isin, merge, groupby). Each function below
mirrors one query in queries/sql/ and returns the same grain; `cross_check` compares a
few of them with the SQL on the same file, so the comparison is like for like.

CHARTS maps a chart id (the prefix of a callback's output ids) to its equivalent; the
benchmark pairs them with the app's callbacks it discovers. Charts without an entry
simply have no baseline.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from queries.filters import Filters

TABLES = ("titles", "title_genres", "title_countries", "title_people")
CATEGORICAL = {"kind", "genre", "country", "role", "person_name"}


class Frames:
    """The tables as pandas frames, loaded once (what st.cache_data would hold)."""

    def __init__(self, db_file: Path, tables: tuple[str, ...] = TABLES):
        t0 = time.perf_counter()
        con = duckdb.connect(str(db_file), read_only=True)
        try:
            self.t = {name: con.sql(f"select * from {name}").df() for name in tables}
        finally:
            con.close()
        self._prepare()
        self.load_seconds = time.perf_counter() - t0
        self.rows = {name: len(frame) for name, frame in self.t.items()}
        self.mib = sum(f.memory_usage(deep=True).sum() for f in self.t.values()) / 2**20

    def _prepare(self) -> None:
        """The one-off preparation a careful Streamlit app caches with the data: an
        integer title key on every table (string isin/merge on show_id is ~10× slower
        at 1M titles) and categoricals for low-cardinality text columns."""
        titles = self.t["titles"]
        titles["tid"] = np.arange(len(titles), dtype=np.int64)
        index = pd.Index(titles["show_id"])
        for name, frame in self.t.items():
            if name != "titles" and "show_id" in frame:
                frame["tid"] = index.get_indexer(frame["show_id"])
            for col in CATEGORICAL & set(frame.columns):
                frame[col] = frame[col].astype("category")

    def filtered(self, f: Filters, cols: list[str]) -> pd.DataFrame:
        """filtered_titles(...) as boolean masks, only the columns a chart needs
        (taking every column of a million rows costs more than most aggregations)."""
        t, m = self.t["titles"], np.ones(len(self.t["titles"]), dtype=bool)
        if f.kinds:
            m &= t["kind"].isin(f.kinds).to_numpy()
        if f.year_from is not None:
            m &= (t["release_year"] >= f.year_from).fillna(False).to_numpy(bool)
        if f.year_to is not None:
            m &= (t["release_year"] <= f.year_to).fillna(False).to_numpy(bool)
        if f.added_from is not None:
            m &= (t["date_added"] >= pd.Timestamp(f.added_from)).to_numpy(bool)
        if f.added_to is not None:
            m &= (t["date_added"] <= pd.Timestamp(f.added_to)).to_numpy(bool)
        for values, bridge, col in ((f.genres, "title_genres", "genre"),
                                    (f.countries, "title_countries", "country")):
            if values:
                b = self.t[bridge]
                m &= t["tid"].isin(b.loc[b[col].isin(values), "tid"]).to_numpy()
        if f.ratings:
            m &= t["maturity_rating"].isin(f.ratings).to_numpy()
        return t.loc[m, cols]


def kpis(fr: Frames, f: Filters) -> dict:
    """catalog_kpis: one row of headline numbers."""
    d = fr.filtered(f, ["tid", "kind", "date_added", "imdb_score", "imdb_title_id"])
    tc = fr.t["title_countries"]
    n = len(d)
    return {"titles": n, "movies": int((d["kind"] == "movie").sum()),
            "shows": int((d["kind"] == "show").sum()),
            "countries": tc.loc[tc["tid"].isin(d["tid"]), "country"].nunique(),
            "first_added": d["date_added"].min(), "last_added": d["date_added"].max(),
            "mean_imdb_score": round(d["imdb_score"].mean(), 2) if n else None,
            "imdb_match_rate": round(d["imdb_title_id"].notna().sum() / n, 4) if n else 0}


def additions_by_year(fr: Frames, f: Filters) -> pd.DataFrame:
    d = fr.filtered(f, ["date_added", "kind"]).dropna(subset=["date_added"])
    return (d.groupby([d["date_added"].dt.year.rename("year"), "kind"], observed=True).size()
            .rename("titles_added").reset_index())


def additions_by_month(fr: Frames, f: Filters) -> pd.DataFrame:
    d = fr.filtered(f, ["month_added", "kind"]).dropna(subset=["month_added"])
    return (d.groupby(["month_added", "kind"], observed=True).size()
            .rename("titles_added").reset_index()
            .rename(columns={"month_added": "month"}))


def release_years(fr: Frames, f: Filters) -> pd.DataFrame:
    d = fr.filtered(f, ["release_year", "kind"]).dropna(subset=["release_year"])
    return (d.groupby(["release_year", "kind"], observed=True).size().rename("titles")
            .reset_index())


def addition_lag(fr: Frames, f: Filters) -> pd.DataFrame:
    d = fr.filtered(f, ["addition_lag_years", "kind"]).dropna(subset=["addition_lag_years"])
    d = d.assign(lag_years=d["addition_lag_years"].clip(upper=30))
    out = d.groupby(["lag_years", "kind"], observed=True).size().rename("titles").reset_index()
    med = (d.groupby("kind", observed=True)["addition_lag_years"].median()
           .rename("median_lag_years"))
    return out.merge(med, left_on="kind", right_index=True)


def _by_kind(j: pd.DataFrame, col: str) -> pd.DataFrame:
    """titles, movies, shows per `col` of a (col, kind) frame, most titles first."""
    out = (j.groupby([col, "kind"], observed=True).size().unstack("kind", fill_value=0)
           .reindex(columns=["movie", "show"], fill_value=0)
           .rename(columns={"movie": "movies", "show": "shows"}))
    out.insert(0, "titles", out["movies"] + out["shows"])
    return out.reset_index().sort_values(["titles", col], ascending=[False, True])


def _per_bridge(fr: Frames, f: Filters, bridge: str, col: str) -> pd.DataFrame:
    d = fr.filtered(f, ["tid", "kind"])
    j = fr.t[bridge][["tid", col]].merge(d, on="tid")
    return _by_kind(j, col).assign(total_titles=len(d))


def top_genres(fr: Frames, f: Filters, limit: int = 15) -> pd.DataFrame:
    out = _per_bridge(fr, f, "title_genres", "genre")
    return out.assign(genres_named=len(out)).head(limit)


def countries(fr: Frames, f: Filters) -> pd.DataFrame:
    return _per_bridge(fr, f, "title_countries", "country")


def ratings(fr: Frames, f: Filters) -> pd.DataFrame:
    d = fr.filtered(f, ["maturity_rating", "kind"])
    rating = d["maturity_rating"].fillna("Unrated")
    return d.groupby([rating, "kind"], observed=True).size().rename("titles").reset_index()


def runtimes(fr: Frames, f: Filters) -> pd.DataFrame:
    d = fr.filtered(f, ["runtime_minutes", "kind"])
    m = d.loc[(d["kind"] == "movie") & d["runtime_minutes"].notna(), "runtime_minutes"]
    bins = (m // 10 * 10).clip(upper=200).rename("bin_start")
    return bins.value_counts().rename("movies").sort_index().reset_index().assign(
        median_minutes=m.median())


def seasons(fr: Frames, f: Filters) -> pd.DataFrame:
    d = fr.filtered(f, ["seasons", "kind"])
    s = d.loc[(d["kind"] == "show") & d["seasons"].notna(), "seasons"]
    return (s.clip(upper=10).value_counts().rename("shows").sort_index().reset_index()
            .assign(max_seasons=s.max()))


def top_people(fr: Frames, f: Filters, role: str = "director",
               limit: int = 15) -> pd.DataFrame:
    d = fr.filtered(f, ["tid", "kind"])
    p = fr.t["title_people"]
    j = p.loc[p["role"] == role, ["tid", "person_name"]].merge(d, on="tid")
    out = _by_kind(j, "person_name")
    return out.assign(people=len(out)).head(limit)


def quality_popularity(fr: Frames, f: Filters, limit: int = 400) -> pd.DataFrame:
    d = fr.filtered(f, ["title", "kind", "release_year", "primary_genre", "tmdb_score",
                       "tmdb_popularity", "imdb_votes"])
    # as the SQL: IMDb votes only order the dots (nulls last), they do not filter
    d = d[(d["tmdb_score"] > 0) & (d["tmdb_popularity"] > 0)]
    corr = d["tmdb_score"].corr(np.log(d["tmdb_popularity"])) if len(d) > 1 else None
    shown = (d.sort_values(["imdb_votes", "tmdb_popularity", "title"],
                           ascending=[False, False, True], na_position="last").head(limit))
    return shown[["title", "kind", "release_year", "primary_genre", "tmdb_score",
                  "tmdb_popularity", "imdb_votes"]].assign(
        matched_titles=len(d), score_popularity_corr=corr)


def top_titles(fr: Frames, f: Filters, limit: int = 12) -> pd.DataFrame:
    d = fr.filtered(f, ["show_id", "title", "kind", "release_year", "primary_genre",
                       "tmdb_score", "imdb_score", "tmdb_popularity", "poster_url"])
    top = (d.nlargest(limit, "tmdb_popularity", keep="all")
           .sort_values(["tmdb_popularity", "show_id"], ascending=[False, True]).head(limit))
    return top.assign(titles_with_poster=d["poster_url"].notna().sum())


def pareto(fr: Frames, f: Filters, limit: int = 30) -> pd.DataFrame:
    """market_pareto, dimension genre, measure titles (the page's defaults)."""
    d = fr.filtered(f, ["tid", "tmdb_popularity"])
    j = fr.t["title_genres"][["tid", "genre"]].merge(d, on="tid")
    per = (j.groupby("genre", observed=True)
           .agg(titles=("tid", "size"), tmdb_popularity=("tmdb_popularity", "sum"))
           .reset_index().sort_values(["titles", "genre"], ascending=[False, True]))
    total = per["titles"].sum()
    per["rank"] = np.arange(1, len(per) + 1)
    per["share"] = per["titles"] / total
    per["cum_share"] = per["titles"].cumsum() / total
    per["members_total"] = len(per)
    per["members_for_80"] = per.loc[per["cum_share"] >= 0.8, "rank"].min()
    return per.head(limit)


def engagement(d: pd.DataFrame) -> pd.Series:
    """The engagement_score macro (warehouse/sql/macros/engagement_score.sql)."""
    quality = ((d["imdb_score"] - 4.0) / 5.0).clip(0, 1)
    reach = ((np.log10(d["imdb_votes"].astype("float64").clip(lower=1)) - 1.5) / 4.0).clip(0, 1)
    pop = d["tmdb_popularity"]
    buzz = (np.log10(1 + pop.clip(lower=0)) / 2.3).clip(0, 1)
    score = 100 * (0.40 * quality + 0.35 * reach + (0.25 * buzz).fillna(0))
    score = score / np.where(pop.isna(), 0.75, 1.0)
    return score.where(d["imdb_score"].notna() & d["imdb_votes"].notna()).round(2)


def genre_engagement(fr: Frames, f: Filters, min_titles: int = 20) -> pd.DataFrame:
    """performance_genre_engagement: engagement quartiles and hit share per category."""
    cols = ["tid", "kind", "imdb_score", "imdb_votes", "tmdb_popularity"]
    t = fr.t["titles"][cols]
    bar = engagement(t).groupby(t["kind"], observed=True).quantile(0.75).rename("bar")
    d = fr.filtered(f, cols)
    d = d.assign(engagement=engagement(d)).dropna(subset=["engagement"])
    d = d.assign(is_hit=d["engagement"] >= d["kind"].map(bar).astype("float64"))
    j = fr.t["title_genres"][["tid", "genre"]].merge(d[["tid", "engagement", "is_hit"]],
                                                       on="tid")
    g = j.groupby("genre", observed=True)
    out = pd.DataFrame({"scored_titles": g.size(), "mean_engagement": g["engagement"].mean(),
                        "q1_engagement": g["engagement"].quantile(0.25),
                        "median_engagement": g["engagement"].median(),
                        "q3_engagement": g["engagement"].quantile(0.75),
                        "hit_share": g["is_hit"].mean()}).reset_index()
    out = out[out["scored_titles"] >= min_titles]
    return out.assign(overall_median=d["engagement"].median(),
                      overall_scored_titles=len(d)).sort_values(
        ["median_engagement", "genre"], ascending=[False, True])


def titles_page(fr: Frames, f: Filters, page_size: int = 25) -> tuple[int, pd.DataFrame]:
    """titles_count + titles_page: first page by date added (newest first), no search."""
    d = fr.filtered(f, ["show_id", "title", "kind", "release_year", "date_added",
                        "maturity_rating", "runtime_minutes", "seasons", "primary_genre",
                        "primary_country", "imdb_score", "imdb_votes", "tmdb_popularity"])
    top = (d.nlargest(page_size, "date_added", keep="all")
           .sort_values(["date_added", "show_id"], ascending=[False, True]).head(page_size))
    return len(d), top


def h2h_trend(fr: Frames, f: Filters, inputs: dict) -> pd.DataFrame:
    """h2h_additions_by_year for the page's two picks (its h2h-state store)."""
    state = inputs.get(("h2h-state", "data")) or {}
    mode, a, b = state.get("mode", "genre"), state.get("a"), state.get("b")
    bridge, col = (("title_countries", "country") if mode == "country"
                   else ("title_genres", "genre"))
    d = fr.filtered(f, ["tid", "date_added"]).dropna(subset=["date_added"])
    year = d["date_added"].dt.year
    br = fr.t[bridge]
    counts = {side: year[d["tid"].isin(br.loc[br[col] == pick, "tid"])].value_counts()
              for side, pick in (("a", a), ("b", b))}
    both = pd.concat(counts.values())
    if both.empty:
        return pd.DataFrame(columns=["side", "year", "titles_added"])
    years = range(int(both.index.min()), int(both.index.max()) + 1)
    return pd.concat([c.reindex(years, fill_value=0).rename("titles_added").rename_axis("year")
                      .reset_index().assign(side=side) for side, c in counts.items()])


def genre_cooccurrence(fr: Frames, f: Filters, top: int = 15) -> pd.DataFrame:
    """models_genre_cooccurrence: pairs among the `top` categories of the filtered titles."""
    d = fr.filtered(f, ["tid"])
    labels = fr.t["title_genres"][["tid", "genre"]].merge(d, on="tid")
    counts = labels["genre"].value_counts()
    counts = counts[counts > 0]
    ranked = counts.rename("titles").rename_axis("genre").reset_index().sort_values(
        ["titles", "genre"], ascending=[False, True]).head(top)
    mine = labels[labels["genre"].isin(ranked["genre"])]
    pairs = (mine.merge(mine, on="tid", suffixes=("_a", "_b"))
             .groupby(["genre_a", "genre_b"], observed=True).size().rename("both_titles")
             .reset_index())
    pairs = pairs.merge(ranked.rename(columns={"genre": "genre_a"}), on="genre_a")
    return pairs.assign(share_of_a=(pairs["both_titles"] / pairs["titles"]).round(4))


# fn(frames, filters), or fn(frames, filters, inputs) for charts that also read the
# page's own controls (inputs: (component id, property) → the value the page shows)
Baseline = Callable[..., object]

# chart id (prefix of the callback's output ids) → (what it computes, pandas equivalent)
CHARTS: dict[str, tuple[str, Baseline]] = {
    "overview-kpis": ("catalog_kpis", kpis),
    "overview-additions": ("additions_by_year", additions_by_year),
    "universe-kpis": ("catalog_kpis", kpis),
    "universe-additions": ("universe_additions_by_month", additions_by_month),
    "universe-release-years": ("universe_release_years", release_years),
    "universe-lag": ("universe_addition_lag", addition_lag),
    "universe-map": ("universe_countries", countries),
    "universe-genres": ("universe_top_genres", top_genres),
    "universe-ratings": ("universe_ratings", ratings),
    "universe-runtimes": ("universe_runtimes", runtimes),
    "universe-seasons": ("universe_seasons", seasons),
    "universe-directors": ("universe_top_people(director)",
                           lambda fr, f: top_people(fr, f, "director")),
    "universe-actors": ("universe_top_people(actor)", lambda fr, f: top_people(fr, f, "actor")),
    "universe-scatter": ("universe_quality_popularity", quality_popularity),
    "universe-posters": ("universe_top_titles", top_titles),
    "market-pareto": ("market_pareto(genre, titles)", pareto),
    "performance-genres": ("performance_genre_engagement", genre_engagement),
    "titles-view": ("titles_count + titles_page", titles_page),
    "h2h-trend": ("h2h_additions_by_year", h2h_trend),
    "genres-cooccurrence": ("models_genre_cooccurrence", genre_cooccurrence),
}


def baseline_for(output_ids: list[str]) -> tuple[str, str, Baseline] | None:
    """(chart id, label, fn) for a callback whose outputs start with a known chart id."""
    for chart in sorted(CHARTS, key=len, reverse=True):
        if any(o == chart or o.startswith(chart + "-") for o in output_ids):
            return (chart, *CHARTS[chart])
    return None


def cross_check(fr: Frames, db_file: Path, payloads: list[Filters]) -> list[str]:
    """Differences between the pandas KPIs / top genres and the SQL on the same file."""
    con = duckdb.connect(str(db_file), read_only=True)
    sql_dir = Path(__file__).resolve().parent.parent / "queries" / "sql"
    problems = []
    try:
        for f in payloads:
            sql = con.sql((sql_dir / "catalog_kpis.sql").read_text(), params=f.params())
            row = dict(zip(sql.columns, sql.fetchall()[0]))
            mine = kpis(fr, f)
            for key in ("titles", "movies", "shows", "countries", "mean_imdb_score"):
                if row[key] != mine[key] and not (row[key] is None and pd.isna(mine[key])):
                    problems.append(f"kpis {key} {f.to_query_string() or '(none)'}: "
                                    f"SQL {row[key]} pandas {mine[key]}")
            if (sql_dir / "universe_top_genres.sql").exists():
                sql = con.sql((sql_dir / "universe_top_genres.sql").read_text(),
                              params={**f.params(), "limit": 15}).df()
                mine_g = top_genres(fr, f)
                if list(sql["titles"]) != list(mine_g["titles"]):
                    problems.append(f"top_genres {f.to_query_string() or '(none)'} differ")
    finally:
        con.close()
    return problems
