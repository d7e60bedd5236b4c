"""The Blend recommender on the real warehouse: the title space, the blend's
invariants, explanations, fallbacks and its quality on the test viewing histories."""
from __future__ import annotations

import datetime as dt
import itertools
import pickle
import statistics
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from blend import evaluation as blend_eval
from blend import recommender as blend
from blend.recommender import BlendFilters, recommend
from models import artifacts, blend_space, blend_space_training
from models.serving import BadInput

HISTORIES = Path(__file__).resolve().parent / "data" / "viewing_histories"


@pytest.fixture(scope="module")
def trained(warehouse_con):
    return blend_space_training.train(warehouse_con)


@pytest.fixture(scope="module")
def space(trained):
    return trained.model


def history(con, sql: str, limit: int, start=dt.date(2023, 1, 1), **params) -> pl.DataFrame:
    """An items frame (show_id, episodes, last_watched) of the first `limit` titles a
    query returns, one title a week from `start` (episodes vary with position)."""
    ids = [r[0] for r in con.execute(sql + f" order by show_id limit {limit}", params).fetchall()]
    return pl.DataFrame({"show_id": ids, "episodes": [1 + i % 7 for i in range(len(ids))],
                         "last_watched": [start + dt.timedelta(weeks=i) for i in range(len(ids))]},
                        schema={"show_id": pl.String, "episodes": pl.Int64,
                                "last_watched": pl.Date})


@pytest.fixture(scope="module")
def people(warehouse_con):
    """Ana watches Korean shows, Ben stand-up comedy; both watched one British drama."""
    common = history(warehouse_con, "select show_id from titles where title = 'The Crown'", 1)
    ana = history(warehouse_con, "select show_id from titles where kind = 'show' and "
                  "list_contains(countries, 'South Korea')", 40)
    ben = history(warehouse_con, "select show_id from titles where "
                  "list_contains(genres, 'Stand-Up Comedy')", 40)
    return {"Ana": pl.concat([ana, common]), "Ben": pl.concat([ben, common])}


def watched_ids(people: dict[str, pl.DataFrame]) -> set[str]:
    return {s for items in people.values() for s in items["show_id"].drop_nulls().to_list()}


def test_title_vectors_are_normalised_and_aligned(space, warehouse_con):
    count = warehouse_con.execute("select count(*) from titles").fetchall()[0][0]
    assert space.vectors.shape == (count, blend_space.SPACE_PARAMS["dims"])
    assert space.vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(space.vectors, axis=1), 1.0, atol=1e-4)
    assert len(set(space.show_ids.tolist())) == count
    assert space.titles["show_id"].to_list() == space.show_ids.tolist()
    assert 0 <= space.popularity.min() and space.popularity.max() <= 1
    # matched titles carry their audience percentile: a very popular one is near the top
    crown = space.row_of[warehouse_con.execute(
        "select show_id from titles where title = 'The Crown'").fetchall()[0][0]]
    assert space.audience[crown] > 0.9


def test_the_prior_is_what_the_dev_households_watched(space):
    """The shipped watch prior (models/assets) is the recommender's prior: the title most
    households watched scores 1, the others in the order of their counts, and titles no
    two households watched sit below every counted one, ordered by the audience prior."""
    prior = blend_space.read_watch_prior()
    assert prior is not None and prior.total >= 30
    assert space.watch_prior_titles == sum(s in space.row_of for s in prior.households) > 500
    counted = np.array([prior.households.get(s, 0) for s in space.show_ids.tolist()])
    top = counted.argmax()
    assert space.popularity.argmax() == top
    assert space.popularity[top] == pytest.approx(1.0, abs=0.01)
    ranked = np.argsort(-space.popularity, kind="stable")
    assert np.all(np.diff(counted[ranked]) <= 0)     # more households, never lower
    rest = np.flatnonzero(counted == 0)
    order = rest[np.argsort(space.popularity[rest], kind="stable")]
    assert np.all(np.diff(space.audience[order]) >= 0)
    # without a prior (or one naming no catalog title) the audience prior alone
    assert np.array_equal(space.with_watch_prior(None).popularity, space.audience)
    other = blend_space.WatchPrior({"no-such-title": 5}, 10)
    assert np.array_equal(space.with_watch_prior(other).popularity, space.audience)


def test_metrics_rows_describe_the_space(trained, space):
    metrics = {r["metric"]: r["value"] for r in trained.metrics}
    assert metrics["titles"] == len(space.show_ids) and metrics["dims"] == space.dims
    assert 0.2 < metrics["svd_explained_variance"] <= 1
    # like next to like: a title's nearest neighbour mostly shares its primary category
    assert metrics["neighbour_primary_genre_agreement"] > 0.6
    assert (metrics["neighbour_primary_genre_agreement"]
            > 3 * metrics["random_primary_genre_agreement"])
    assert all(r["model"] == "blend" and r["split"] == "all" for r in trained.metrics)


def test_artifact_round_trip_gives_the_same_list(trained, space, people, tmp_path):
    artifacts.save(tmp_path, "b1", "blend", trained, 1.0)
    loaded, meta = artifacts.load(tmp_path, "b1", "blend")
    assert meta.params["dims"] == space.dims
    assert recommend(loaded, people, n=15) == recommend(space, people, n=15)
    assert len(pickle.dumps(space)) < 20 * 2**20   # vectors + metadata, no vectorizers


@pytest.mark.parametrize("n", [1, 20, 50])
def test_exactly_n_titles_none_of_them_watched(space, people, n):
    recs = recommend(space, people, n=n)
    assert len(recs) == n and len({r.show_id for r in recs}) == n
    assert not {r.show_id for r in recs} & watched_ids(people)
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)
    assert all(set(r.interest) == {"Ana", "Ben"} for r in recs)


def test_same_list_whatever_the_order_of_people(space, people, warehouse_con):
    cara = history(warehouse_con, "select show_id from titles where "
                   "list_contains(genres, 'Horror Movies')", 25)
    group = {**people, "Cara": cara}
    lists = [recommend(space, dict(order), n=20)
             for order in itertools.permutations(group.items())]
    assert all(other == lists[0] for other in lists[1:])


def test_blend_does_not_follow_one_person_only(space, people):
    """Disagreement selection: the group list is nearer the middle than either person's."""
    recs = recommend(space, people, n=20)
    spread = statistics.mean(abs(r.interest["Ana"] - r.interest["Ben"]) for r in recs)
    ana_only = recommend(space, {"Ana": people["Ana"]}, n=20)
    ben_on_ana = blend.interest(space, blend.profile(space, "Ben", people["Ben"]),
                                np.array([space.row_of[r.show_id] for r in ana_only]))
    assert spread < statistics.mean(abs(r.score - b) for r, b in zip(ana_only, ben_on_ana))


def test_filters_are_respected(space, people):
    unfiltered = recommend(space, people, n=30)
    assert "show" in {r.kind for r in unfiltered}   # so the type filter has work to do
    movies = recommend(space, people, n=30, filters=BlendFilters(kinds=("movie",)))
    assert len(movies) == 30 and {r.kind for r in movies} == {"movie"}
    shows = recommend(space, people, n=30, filters=BlendFilters(kinds=("show",)))
    assert len(shows) == 30 and {r.kind for r in shows} == {"show"}
    short = recommend(space, people, n=30, filters=BlendFilters(kinds=("movie",),
                                                                max_runtime_minutes=80))
    runtime = dict(zip(space.show_ids.tolist(), space.runtime))
    assert len(short) == 30 and all(r.kind == "movie" and runtime[r.show_id] <= 80 for r in short)
    kids = recommend(space, people, n=30, filters=BlendFilters(ratings=("TV-Y", "TV-Y7", "G")))
    rating = dict(zip(space.show_ids.tolist(), space.rating))
    assert len(kids) == 30 and {rating[r.show_id] for r in kids} <= {"TV-Y", "TV-Y7", "G"}


def test_runtime_cap_applies_to_movies_not_shows(space, people):
    recs = recommend(space, people, n=40, filters=BlendFilters(max_runtime_minutes=60))
    runtime = dict(zip(space.show_ids.tolist(), space.runtime))
    assert any(r.kind == "show" for r in recs)
    assert all(runtime[r.show_id] <= 60 for r in recs if r.kind == "movie")


def test_excluded_genres_never_appear(space, people):
    top = recommend(space, people, n=30)
    excluded = tuple({g for r in top for g in r.genres if g != "International TV Shows"})[:2]
    assert excluded   # the unfiltered list does contain them, so the filter has work to do
    recs = recommend(space, people, n=30, filters=BlendFilters(exclude_genres=excluded))
    assert len(recs) == 30 and not any(set(r.genres) & set(excluded) for r in recs)


def test_single_person_list_follows_their_taste(space, people):
    recs = recommend(space, {"Ben": people["Ben"]}, n=20)
    assert len(recs) == 20 and set(recs[0].interest) == {"Ben"}
    assert sum("Stand-Up Comedy" in r.genres for r in recs) >= 10
    assert all("which you watched" in r.reason for r in recs)


def test_explanations_name_watched_titles(space, people):
    titles = dict(zip(space.show_ids.tolist(), space.titles["title"].to_list()))
    ana, ben = ({titles[s] for s in people[p]["show_id"]} for p in ("Ana", "Ben"))
    for r in recommend(space, people, n=30):
        if "which you both watched" in r.reason:
            assert r.reason.startswith("Like The Crown, which you both watched")
        else:
            anchors = dict(part.split(": like ", 1)
                           for part in r.reason.split(" · ")[0].split("; "))
            assert anchors["Ana"] in ana and anchors["Ben"] in ben


def test_reasons_say_when_a_title_is_among_the_most_watched(space, people):
    """The learned prior can lift a title most households watched above closer
    matches: its reason says so, and only its."""
    from blend import explain
    most = set(space.show_ids[np.argsort(-space.popularity, kind="stable")[
        :explain.MOST_WATCHED]].tolist())
    recs = recommend(space, people, n=50)
    flagged = {r.show_id for r in recs if r.reason.endswith(explain.WIDELY_WATCHED)}
    assert flagged == {r.show_id for r in recs} & most and flagged
    assert all(r.reason.count(explain.WIDELY_WATCHED) <= 1 for r in recs)
    audience_only = space.with_watch_prior(None)
    assert not any(explain.WIDELY_WATCHED in r.reason
                   for r in recommend(audience_only, people, n=50))


def test_shared_anchor_preferred_when_close(space, warehouse_con):
    """Two people with the same history: every reason is a title they both watched."""
    same = history(warehouse_con, "select show_id from titles where "
                   "list_contains(genres, 'Anime Series')", 20)
    for r in recommend(space, {"Ana": same, "Ben": same}, n=10):
        assert "which you both watched" in r.reason
        assert r.interest["Ana"] == r.interest["Ben"]


def test_empty_history_gives_the_popularity_list(space):
    empty = pl.DataFrame(schema={"show_id": pl.String, "episodes": pl.Int64,
                                 "last_watched": pl.Date})
    recs = recommend(space, {"Ana": empty}, n=20)
    assert [r.show_id for r in recs] == blend_eval.popularity_list(space, set(), 20)
    assert all(r.reason.startswith("Popular on Netflix") for r in recs)


def test_unmatched_person_counts_as_no_history(space, people):
    unmatched = pl.DataFrame({"show_id": [None, "not-a-show-id"], "episodes": [4, 2],
                              "last_watched": [dt.date(2024, 1, 1)] * 2},
                             schema={"show_id": pl.String, "episodes": pl.Int64,
                                     "last_watched": pl.Date})
    alone = recommend(space, {"Zoe": unmatched}, n=10)
    assert [r.show_id for r in alone] == blend_eval.popularity_list(space, set(), 10)
    group = recommend(space, {"Ana": people["Ana"], "Zoe": unmatched}, n=10)
    assert len(group) == 10 and all("Zoe: popular pick" in r.reason for r in group)


def test_thin_history_leans_on_popularity(space, people):
    """The prior's weight shrinks as the history grows: one title → mostly popular
    picks; forty → mostly taste."""
    def mean_prior(items):
        """Mean percentile of the picks' prior (the prior itself is steep: a share of
        households, the most watched title 1)."""
        recs = recommend(space, {"Ana": items}, n=20)
        return statistics.mean(float((space.popularity < space.popularity[
            space.row_of[r.show_id]]).mean()) for r in recs)
    thin, thick = people["Ana"].head(1), people["Ana"]
    assert mean_prior(thin) > mean_prior(thick)
    assert mean_prior(thin) > 0.9
    shares = [blend.prior_share(k) for k in (0, 1, 10, 100, 1000)]
    assert shares[0] == 1 and shares == sorted(shares, reverse=True)
    assert shares[-1] < blend.BLEND_PARAMS["prior_min"] + 0.01


def test_recency_and_episodes_weight_the_preference(space, people):
    items = people["Ana"]
    p = blend.profile(space, "Ana", items)
    newest = items.sort("last_watched")["show_id"][-1]
    oldest = items.sort("last_watched")["show_id"][0]
    weight = dict(zip(space.show_ids[p.rows].tolist(), p.weights))
    assert weight[newest] > weight[oldest]
    doubled = blend.profile(space, "Ana", pl.concat([items, items]))   # same titles twice
    assert np.array_equal(doubled.rows, p.rows) and np.all(doubled.weights > p.weights)


def test_bad_requests_have_clear_messages(space, people):
    with pytest.raises(BadInput, match="at least one person"):
        recommend(space, {}, n=5)
    with pytest.raises(BadInput, match="between 1 and"):
        recommend(space, people, n=0)
    with pytest.raises(BadInput, match="between 1 and"):
        recommend(space, people, n=2.5)
    with pytest.raises(BadInput, match="runtime"):
        recommend(space, people, filters=BlendFilters(max_runtime_minutes=0))
    with pytest.raises(BadInput, match="unknown type"):
        recommend(space, people, filters=BlendFilters(kinds=("film",)))
    with pytest.raises(BadInput, match="lacks the column"):
        recommend(space, {"Ana": pl.DataFrame({"show_id": ["s1"]})})


def test_fewer_candidates_than_n_returns_them_all(space, people):
    filters = BlendFilters(kinds=("movie",), ratings=("NC-17",))
    recs = recommend(space, people, n=50, filters=filters)
    assert 0 < len(recs) < 50 and {r.kind for r in recs} == {"movie"}


def test_two_large_histories_blend_fast(space):
    rng = np.random.default_rng(7)
    def big(k):
        return pl.DataFrame({"show_id": rng.choice(space.show_ids, k, replace=False),
                             "episodes": rng.integers(1, 40, k),
                             "last_watched": [dt.date(2021, 1, 1) + dt.timedelta(days=int(d))
                                              for d in rng.integers(0, 1400, k)]})
    group = {"Ana": big(400), "Ben": big(400)}
    recommend(space, group, n=20)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        recommend(space, group, n=20)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.3   # the budget; ~30 ms measured (model card)


# --- the test viewing histories (tests/data/viewing_histories, read by the real parser)

@pytest.fixture(scope="module")
def histories(warehouse_con):
    files = sorted(HISTORIES.glob("*.csv"))
    assert len(files) >= 6, f"test histories missing from {HISTORIES}"
    return blend_eval.load_histories(warehouse_con, HISTORIES)


def test_ranking_metrics_on_a_hand_example():
    ranked, relevant = ["a", "b", "c", "d"], {"b", "d", "z"}
    assert blend_eval.recall_at(ranked, relevant) == pytest.approx(2 / 3)
    ideal = 1 + 1 / np.log2(3) + 1 / np.log2(4)
    assert blend_eval.ndcg_at(ranked, relevant) == pytest.approx(
        (1 / np.log2(3) + 1 / np.log2(5)) / ideal)
    assert blend_eval.ndcg_at(["b", "d", "z"], relevant) == pytest.approx(1.0)


def test_holdout_hides_the_most_recent_titles(histories):
    items = histories[sorted(histories)[0]]
    known, hidden = blend_eval.split_recent(items)
    assert len(hidden) == int(np.ceil(0.2 * items["show_id"].n_unique()))
    assert not hidden & set(known["show_id"].to_list())
    newest_known = known["last_watched"].max()
    assert all(d >= newest_known for d in
               items.filter(pl.col("show_id").is_in(list(hidden)))["last_watched"])


def test_recall_beats_the_popularity_baseline(space, histories):
    """On the generated personas: mean recall@50 at least 1.5× the popularity baseline's
    (1.72× measured); at most two of the eight below theirs. It was 2× (about 3×
    measured) before the serving parameters were tuned on real exports (issue 12,
    docs/BLEND.md): real people watch popular titles far more than the personas do, so
    the popularity prior now weighs more and the personas' pure tastes score lower."""
    table = blend_eval.evaluate(space, histories, n=50)
    assert table["recall"].mean() >= 1.5 * table["baseline_recall"].mean()
    assert table["ndcg"].mean() > table["baseline_ndcg"].mean()
    assert (table["recall"] < table["baseline_recall"]).sum() <= 2


def test_blend_of_two_real_histories(space, histories):
    pair = {"Kim": histories["kdrama_romance"], "Ali": histories["british_crime_period"]}
    recs = recommend(space, pair, n=25)
    assert len(recs) == 25 and not {r.show_id for r in recs} & watched_ids(pair)
    assert recs == recommend(space, dict(reversed(pair.items())), n=25)
    assert all(r.reason for r in recs) and all(set(r.interest) == {"Kim", "Ali"} for r in recs)


@pytest.mark.slow
def test_refresh_trains_and_serves_the_blend(trained_data_dir, people):
    """The plumbing: refresh trains the Blend with the other models, the app's loader
    finds it, and its metrics are in the build's model_metrics table."""
    from base.paths import Paths
    from models import serving
    from queries.db import open_read_only
    data_dir, build_id = trained_data_dir
    space, meta = serving.load(data_dir, build_id, "blend")
    assert meta.build_id == build_id and meta.params["dims"] == space.dims
    assert len(recommend(space, people, n=10)) == 10
    con = open_read_only(Paths(data_dir).current_link.resolve())
    rows = dict(con.execute("select metric, value from model_metrics where model = 'blend'")
                .fetchall())
    assert rows["titles"] == len(space.show_ids) and rows["dims"] == space.dims
    assert meta.train_seconds < 60


# --- real-export protocol (blend-eval) and the film/show mix ----------------------------

def test_films_listed_for_a_person_who_watches_films(space, warehouse_con):
    """A history of 60% shows with many episodes and 40% films still gets films: the
    list's mix follows the person's titles, not their episode counts."""
    shows = history(warehouse_con, "select show_id from titles where kind = 'show'", 30)
    films = history(warehouse_con, "select show_id from titles where kind = 'movie'", 20)
    items = pl.concat([shows.with_columns(episodes=pl.lit(40, pl.Int64)), films])
    recs = recommend(space, {"Ana": items}, n=50)
    kinds = [r.kind for r in recs]
    assert 15 <= kinds.count("movie") <= 25
    assert not {r.show_id for r in recs} & set(items["show_id"].to_list())
    assert all(r.show_id in space.row_of for r in recs)


def test_temporal_split_cuts_at_eighty_percent_of_first_viewings():
    d = dt.date(2021, 1, 1)
    rows = pl.DataFrame({"show_id": ["a", "a", "b", "c", "d", "e", None],
                         "watched_on": [d, d + dt.timedelta(9), d + dt.timedelta(1),
                                        d + dt.timedelta(2), d + dt.timedelta(3),
                                        d + dt.timedelta(4), d]})
    cut, before, after = blend_eval.temporal_split(rows)
    assert cut == d + dt.timedelta(3)          # 4 of the 5 titles first watched by then
    assert sorted(set(before["show_id"].to_list())) == ["a", "b", "c", "d"]
    assert before.height == 4                  # a's second viewing came after the cut
    assert after["show_id"].to_list() == ["e"]


def test_blend_eval_scores_each_profile_and_refuses_non_exports(space, warehouse_con, tmp_path):
    """blend-eval's records: one per profile of a ViewingActivity.csv, one per history,
    a refusal (with the reason) for a file that is no export; the means beside."""
    from blend.viewing_history import HistoryCatalog
    titles = warehouse_con.sql("select title, date_added from titles where date_added "
                               "between '2019-01-01' and '2019-12-31' and kind = 'movie' "
                               "order by show_id limit 40").fetchall()
    lines = ["Title,Date"] + [f'"{t}",{(a + dt.timedelta(days=30)).strftime("%m/%d/%Y")}'
                              for t, a in titles]
    (tmp_path / "NetflixViewingHistory.csv").write_text("\n".join(lines) + "\n")
    act = ["Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type,"
           "Device Type,Bookmark,Latest Bookmark,Country"]
    for who in ("Ana", "Ben"):
        act += [f'{who},{(a + dt.timedelta(days=40)).isoformat()} 20:00:00,01:30:00,,"{t}",,TV,'
                f'01:30:00,01:30:00,US' for t, a in titles]
    (tmp_path / "household").mkdir()
    (tmp_path / "household" / "ViewingActivity.csv").write_text("\n".join(act) + "\n")
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    # an export none of whose titles is in the catalog: listed, not scored, and says why
    (tmp_path / "unknown.csv").write_text('Title,Date\n"No Such Show: Season 1: Pilot",'
                                          '1/3/22\n"Nor This Film",1/4/22\n')
    # a second copy of one export (the zip and the CSV unpacked from it) is scored once
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "history.csv").write_text("\n".join(lines) + "\n")
    catalog = HistoryCatalog.from_frame(
        warehouse_con.sql("select show_id, kind, title, release_year from titles").pl())
    avail = blend_eval.Availability.from_frame(
        warehouse_con.sql("select show_id, date_added, imdb_votes from titles").pl(), space)
    result = blend_eval.evaluate_folder(tmp_path, space, avail, catalog,
                                        today=dt.date(2023, 1, 1))
    files = result["files"]
    assert [(r["file"], r["profile"], r["refused"]) for r in files] == [
        ("NetflixViewingHistory.csv", None, False), ("copy/history.csv", None, True),
        ("household/ViewingActivity.csv", "Ana", False),
        ("household/ViewingActivity.csv", "Ben", False), ("notes.csv", None, True),
        ("unknown.csv", None, False)]
    assert "the same rows as NetflixViewingHistory.csv" in files[1]["message"]
    assert "Title,Date" in files[4]["message"]
    assert files[5]["recall_at_50"] is None and \
        files[5]["message"] == "not scored: no title matched the catalog"
    assert files[0]["message"] == ""   # a scored record has nothing to explain
    files = [files[0], *files[2:4], files[5]]
    assert all(set(r) == set(blend_eval.RECORD_KEYS) for r in files)
    scored = files[0]
    assert scored["hidden"] > 0 and 0 <= scored["recall_at_50"] <= 1
    # the stronger baseline beside it: the prior alone, scored on the same targets
    assert 0 <= scored["prior_recall_at_50"] <= 1 and 0 <= scored["prior_ndcg_at_50"] <= 1
    assert 0 <= result["mean"]["ahead_of_prior"] <= result["mean"]["scored"]
    assert scored["movies_in_top_50"] > 0
    assert result["mean"]["records"] == 6 and result["mean"]["refused"] == 2
    assert result["mean"]["ratio_ci95"] is None   # 3 scored records: too few for one


def test_the_ratio_to_the_popularity_list_comes_with_its_interval():
    """blend-eval's ratio of means, and its 95% interval over records resampled with
    replacement: with a handful of targets per record, 1.88× can be anything from 1.4×
    to 2.7× (the dev set's REPORT half)."""
    recall, popularity = [0.2, 0.4, 0.0, 0.3] * 5, [0.1, 0.2, 0.0, 0.1] * 5
    low, high = blend_eval._ratio_interval(recall, popularity)
    assert low <= 0.9 / 0.4 <= high and high < 4
    assert blend_eval._ratio_interval(recall[:9], popularity[:9]) is None
    # the popularity list finds nothing: the ratio has no upper bound
    assert blend_eval._ratio_interval([0.5] * 12, [0.0] * 12) == [None, None]
    assert blend_eval._ratio_interval([0.0] * 12, [0.0] * 12) is None   # nor anything
    low_one, high_one = blend_eval._ratio_interval([0.5] * 10, [0.3] + [0.0] * 9)
    assert low_one is not None and high_one is None   # 35% of resamples: 0 for popularity
    mean = blend_eval.summarize([{"refused": False, "recall_at_50": r,
                                  "popularity_recall_at_50": q, "prior_recall_at_50": 0.0,
                                  "ndcg_at_50": r, "popularity_ndcg_at_50": q,
                                  "prior_ndcg_at_50": 0.0, "match_rate": 1.0,
                                  "movies_in_top_50": 5, "has_movies": True}
                                 for r, q in zip(recall, popularity)])
    assert mean["ratio"] == pytest.approx(2.25) and mean["ratio_ci95"] == [low, high]
