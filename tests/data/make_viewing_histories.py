"""Deterministic generator of the persona viewing histories in tests/data/viewing_histories/.

Each persona is a Netflix account with a coherent but mixed taste (genres, countries,
people and description keywords, drifting between two profiles over time). A day-by-day
simulation picks titles from the bundled Kaggle catalog (etl/snapshot/), watches shows
episode by episode (binges on some days) and movies in one row, and writes the file the
way Netflix exports it (`Title,Date`, newest first) in the persona's locale. A few items
per persona are invented post-2021 originals that the catalog cannot know, and the
Spanish account sees some English titles under their Spanish names, so match rates stay
below 100%. manifest.json records, per file, the truth: every item with its catalog
show_id (or null) and whether the exported name is the catalog's own name.

Run: .venv/bin/python tests/data/make_viewing_histories.py [OUT_DIR]
Same code + same snapshot = same bytes (tests/test_viewing_history.py checks this).
"""
from __future__ import annotations

import csv
import io
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from etl.matching import normalize_title, normalize_title_str  # noqa: E402
from etl.sources.snapshot import SNAPSHOT_DIR, read_csv_bytes  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent / "viewing_histories"
CATALOG_CLOSED = date(2021, 9, 25)   # the Kaggle snapshot's last date_added
OUTSIDE_POOL = 400                   # "popular" = among this many most-voted titles

EN_ADJ = ("Last", "Silent", "Broken", "Hidden", "Long", "Bitter", "Golden", "Lost",
          "Second", "Final", "Cold", "Burning", "Quiet", "Strange", "Wild", "Empty")
EN_NOUN = ("Goodbye", "Storm", "Promise", "Secret", "Road", "Bridge", "Letter", "Mirror",
           "Harbor", "Winter", "Confession", "Garden", "Witness", "Door", "Game", "Night",
           "Deal", "Escape", "Reunion", "Lie", "Truth", "Party", "Trial", "Gift")
ES_NOUN = ("La promesa", "El secreto", "La carta", "El puente", "La tormenta", "El juicio",
           "La fiesta", "El regreso", "La verdad", "El espejo", "La huida", "El trato")
ES_ADJ = ("perdida", "final", "oculta", "amarga", "rota", "dorada")
NUMBER_WORDS = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight")


@dataclass(frozen=True)
class Persona:
    """One account. `core` and `drift` are taste weights (see taste_scores); the taste
    moves linearly from core to drift over the period. `anchors` are catalog titles the
    account surely watched (popular hits, colon titles), `invented` post-catalog
    originals as (name, kind), `localized` catalog title -> name shown in the export."""
    slug: str
    description: str
    seed: int
    start: date
    end: date
    date_style: str            # us_short 4/3/20 | uk_short 18/06/20 | es_long 18/06/2020 | iso
    activity: float            # chance of watching anything on a given day
    session: float             # mean rows on an active day (before binges)
    core: dict
    drift: dict
    min_score: float           # taste score a title needs to be "in taste"
    outside_share: float = 0.25   # new items picked from popular titles outside taste
    pop_power: float = 1.0     # how much popularity steers in-taste picks
    binge: float = 0.15        # chance an active day is a binge day
    loyalty: float = 0.6       # chance of going on to the next season
    rewatch: float = 0.0       # chance a movie pick rewatches one already seen
    season_word: str = "season"
    language: str = "en"
    csv_style: str = "minimal"   # minimal | bom_crlf_quoted
    anchors: tuple = ()
    invented: tuple = ()
    localized: tuple = ()
    avoid: dict = field(default_factory=dict)   # genre -> negative weight, all period


NO_KIDS = {"Kids' TV": -3.0, "Children & Family Movies": -2.0}

PERSONAS = [
    Persona("kdrama_romance", "Korean drama and romance fan who drifts to Taiwanese and "
            "Japanese romance and Korean thrillers.", 11, date(2020, 1, 10), date(2022, 8, 30),
            "us_short", 0.3, 2.4,
            core={"countries": {"South Korea": 3}, "genres": {"Korean TV Shows": 1.5,
                  "Romantic TV Shows": 2, "Romantic Movies": 1.5, "TV Dramas": 0.5},
                  "keywords": {r"\blove|romance|falls for|heart|first love": 1},
                  "people": {"Hyun Bin": 1.5, "Son Ye-jin": 1.5, "Park Seo-joon": 1.5, "Gong Yoo": 1}},
            drift={"countries": {"South Korea": 2, "Taiwan": 1.5, "Japan": 1},
                   "genres": {"Romantic TV Shows": 1.5, "TV Thrillers": 1, "Crime TV Shows": 1},
                   "keywords": {r"revenge|secret|\blove": 1}},
            avoid=NO_KIDS, min_score=3.0, anchors=("Crash Landing on You", "Itaewon Class", "Kingdom: Ashin of the North"),
            invented=(("Moonlit Pharmacy", "show"), ("Our Last Spring in Busan", "show"),
                      ("The Florist of Jeju", "show"))),
    Persona("true_crime_thrillers", "True-crime documentaries and docuseries, sliding into "
            "psychological thrillers and mysteries.", 12, date(2019, 6, 1), date(2022, 3, 15),
            "us_short", 0.23, 2.0,
            core={"genres": {"Docuseries": 1.5, "Crime TV Shows": 1.5, "Documentaries": 1,
                             "Thrillers": 0.5},
                  "keywords": {r"murder|killer|serial|crime|investigat|disappear|\bcult|con artist|fraud": 1.5}},
            drift={"genres": {"Thrillers": 2, "TV Thrillers": 2, "TV Mysteries": 1.5},
                   "countries": {"United Kingdom": 0.5, "Spain": 0.5},
                   "keywords": {r"psycholog|obsess|stalk|murder": 1}},
            avoid=NO_KIDS, min_score=2.5, anchors=("Making a Murderer", "Tiger King: Murder, Mayhem and Madness",
                                    "The Staircase"),
            invented=(("Deadly Inheritance: The Vance Family", "show"),
                      ("Cold Call: The Phone Scam Queen", "movie"), ("The Hollow Creek Murders", "show"))),
    Persona("family_parent", "A parent's account: kids' shows and family films (rewatched) "
            "mixed with the parent's own TV dramas; the kids grow into teen shows.", 13,
            date(2020, 3, 1), date(2022, 12, 20), "us_short", 0.3, 3.0,
            core={"genres": {"Kids' TV": 2.5, "Children & Family Movies": 2, "TV Dramas": 1.2,
                             "Dramas": 0.6, "Romantic Movies": 0.6},
                  "keywords": {r"princess|dragon|dinosaur|puppy|christmas|friendship": 1}},
            drift={"genres": {"Kids' TV": 1.5, "Teen TV Shows": 1.5, "Children & Family Movies": 1.5,
                              "TV Dramas": 1.2, "Sci-Fi & Fantasy": 0.8},
                   "keywords": {r"\bteen|school|magic": 1}},
            min_score=1.1, rewatch=0.3, csv_style="bom_crlf_quoted",
            anchors=("Kung Fu Panda: Secrets of the Scroll", "The Boss Baby: Back in Business",
                     "Cocomelon", "Grey's Anatomy"),
            invented=(("Dino Rescue Academy", "show"), ("The Snow Queen's Daughter", "movie"),
                      ("Holiday Hijinks: A Puppy Christmas", "movie"))),
    Persona("anime_scifi", "Anime series and features, moving towards live-action and "
            "animated science fiction.", 14, date(2021, 2, 1), date(2022, 10, 5), "iso", 0.33, 2.6,
            core={"genres": {"Anime Series": 2.5, "Anime Features": 2, "TV Sci-Fi & Fantasy": 1.5,
                             "Sci-Fi & Fantasy": 1}, "countries": {"Japan": 1.5},
                  "keywords": {r"demon|ninja|titan|mecha|robot|space": 1}},
            drift={"genres": {"Sci-Fi & Fantasy": 2, "TV Sci-Fi & Fantasy": 2, "Action & Adventure": 0.5},
                   "countries": {"Japan": 0.5},
                   "keywords": {r"alien|planet|future|dystop|time travel|galaxy|android|virtual": 1.5}},
            min_score=2.5, binge=0.25, avoid={"Kids' TV": -1.5},
            anchors=("Neon Genesis Evangelion", "Love, Death & Robots", "Altered Carbon: Resleeved"),
            invented=(("Starfall Protocol", "show"), ("Kaiju Academy Zero", "show"),
                      ("Orbit of the Ninth Moon", "movie"))),
    Persona("standup_sitcoms", "Stand-up specials and American sitcoms, later British and "
            "workplace comedies.", 15, date(2018, 9, 1), date(2022, 6, 30), "us_short", 0.15, 1.8,
            core={"genres": {"Stand-Up Comedy": 3, "Stand-Up Comedy & Talk Shows": 2.5,
                             "TV Comedies": 1.5}, "countries": {"United States": 0.5},
                  "keywords": {r"comedian|sitcom|hilarious|roommate|coworker": 1}},
            drift={"genres": {"TV Comedies": 2, "Comedies": 1, "Stand-Up Comedy": 1.5},
                   "countries": {"United Kingdom": 0.5},
                   "keywords": {r"dysfunctional|family|office|workplace": 1}},
            avoid=NO_KIDS, min_score=2.0, anchors=("Dave Chappelle: Equanimity & The Bird Revelation",
                                    "The Office (U.S.)", "Ali Wong: Baby Cobra", "Schitt's Creek"),
            invented=(("Marcy Delgado: Table for One", "movie"), ("Danny Okafor: Dad Mode", "movie"),
                      ("Open Plan Office", "show"))),
    Persona("british_crime_period", "British crime and detective series, then British period "
            "and royal dramas.", 16, date(2019, 1, 15), date(2022, 1, 20), "uk_short", 0.21, 2.2,
            core={"countries": {"United Kingdom": 2}, "genres": {"British TV Shows": 2,
                  "Crime TV Shows": 1.5, "TV Mysteries": 1},
                  "keywords": {r"detective|inspector|murder|police|investigat": 1.5}},
            drift={"countries": {"United Kingdom": 2}, "genres": {"TV Dramas": 1, "Dramas": 0.5,
                   "British TV Shows": 1},
                   "keywords": {r"19th|18th|century|victorian|queen|king|aristocra|royal|war": 1.5},
                   "people": {"Olivia Colman": 1, "David Tennant": 1, "Benedict Cumberbatch": 1}},
            avoid=NO_KIDS, min_score=3.0, season_word="series",
            anchors=("Broadchurch", "Sherlock", "The Crown", "Peaky Blinders", "Happy Valley"),
            invented=(("The Whitby Inquiry", "show"), ("Lady Ashcombe's Secret", "show"))),
    Persona("spanish_account", "A Spanish-language account (Spain): Spanish and Latin "
            "American dramas and telenovelas, later crime thrillers; some English titles "
            "appear under their Spanish names.", 17, date(2020, 5, 1), date(2022, 11, 30),
            "es_long", 0.25, 2.4,
            core={"countries": {"Spain": 2, "Mexico": 2, "Argentina": 1.5, "Colombia": 1.5},
                  "genres": {"Spanish-Language TV Shows": 2, "TV Dramas": 1, "Romantic TV Shows": 0.5},
                  "keywords": {r"telenovela|narco|cartel|heist": 1}},
            drift={"countries": {"Spain": 2, "Mexico": 1}, "genres": {"Crime TV Shows": 1,
                   "Thrillers": 1.5, "Comedies": 0.5}, "keywords": {r"mystery|murder": 1}},
            avoid=NO_KIDS, min_score=2.5, language="es",
            anchors=("Elite", "Cable Girls", "Monarca", "The Haunting of Hill House",
                     "The Queen's Gambit", "Unbelievable"),
            invented=(("Las hermanas Olmedo", "show"), ("Sangre de plata", "show"),
                      ("Noche en Medellín", "movie")),
            localized=(("Elite", "Élite"), ("The Haunting of Hill House", "La maldición de Hill House"),
                       ("The Queen's Gambit", "Gambito de dama"), ("Unbelievable", "Creedme"),
                       ("Cable Girls", "Las chicas del cable"))),
    Persona("mainstream_household", "A shared household account watching mostly popular "
            "American dramas, comedies and action, later reality TV and docuseries.", 18,
            date(2019, 1, 1), date(2022, 12, 31), "us_short", 0.9, 3.6,
            core={"genres": {"Dramas": 0.8, "Comedies": 0.8, "Action & Adventure": 1,
                             "TV Dramas": 1, "TV Comedies": 0.8, "Thrillers": 0.6,
                             "Crime TV Shows": 0.6}, "countries": {"United States": 1}},
            drift={"genres": {"Reality TV": 1.5, "Docuseries": 1, "International TV Shows": 0.5,
                              "Romantic Movies": 0.5, "TV Dramas": 0.8}, "countries": {"United States": 1}},
            min_score=1.0, outside_share=0.3, pop_power=3.0, binge=0.2,
            anchors=("Stranger Things", "Ozark", "Squid Game", "Bridgerton", "Black Mirror: Bandersnatch",
                     "Gilmore Girls: A Year in the Life", "Outer Banks"),
            invented=(("Ridgeview High", "show"), ("Thunder Run: Extraction", "movie"),
                      ("Glass Harbor", "show"), ("Midnight Heist Club", "movie"))),
]


# --- catalog -----------------------------------------------------------------------

def _read_snapshot(name: str) -> pl.DataFrame:
    import gzip
    return read_csv_bytes(gzip.decompress((SNAPSHOT_DIR / f"{name}.gz").read_bytes()))


def load_catalog() -> pl.DataFrame:
    """Kaggle titles with the features personas score on, plus IMDb votes as a
    popularity signal (joined on normalized title and kind)."""
    raw = _read_snapshot("kaggle_netflix_titles.csv")
    votes = (_read_snapshot("netflix_tmdb_imdb_titles.csv")
             .select(norm=normalize_title(pl.col("title")),
                     kind=pl.col("type").str.to_lowercase(),
                     votes=pl.col("imdb_votes").cast(pl.Float64, strict=False))
             .group_by("norm", "kind").agg(pl.col("votes").max()))
    return (raw.select(
        "show_id", "title",
        kind=pl.when(pl.col("type") == "Movie").then(pl.lit("movie")).otherwise(pl.lit("show")),
        seasons=pl.col("duration").str.extract(r"(\d+) Season").cast(pl.Int32),
        genres=pl.col("listed_in").fill_null("").str.split(", "),
        countries=pl.col("country").fill_null("").str.split(", "),
        people=pl.concat_str(pl.col("director").fill_null(""), pl.col("cast").fill_null(""),
                             separator=", ").str.split(", "),
        text=pl.concat_str(pl.col("title"), pl.col("description").fill_null(""),
                           separator=" ").str.to_lowercase(),
        added=pl.col("date_added").str.strip_chars().str.to_date("%B %d, %Y", strict=False)
        .fill_null(date(2015, 1, 1)),
        norm=normalize_title(pl.col("title")))
        .join(votes, on=["norm", "kind"], how="left")
        .with_columns(pl.col("votes").fill_null(0.0))
        .sort("show_id", descending=False))


def taste_scores(catalog: pl.DataFrame, weights: dict[str, dict[str, float]]) -> np.ndarray:
    """Sum of the weights of every genre, country, person, kind and description
    keyword (regex) a title has."""
    score = np.zeros(catalog.height)
    for col in ("genres", "countries", "people"):
        for value, w in weights.get(col, {}).items():
            score += w * catalog[col].list.contains(value).to_numpy()
    for pattern, w in weights.get("keywords", {}).items():
        score += w * catalog["text"].str.contains(pattern).to_numpy()
    for kind, w in weights.get("kind", {}).items():
        score += w * (catalog["kind"] == kind).to_numpy()
    return score


# --- episodes ----------------------------------------------------------------------

@dataclass
class Show:
    """A show being watched: its remaining episode rows, in viewing order."""
    name: str
    show_id: str | None
    rows: list[str] = field(default_factory=list)


def _episode_name(rng: random.Random, style: str, n: int, spanish: bool) -> str:
    if style == "numbered":
        return f"{'Episodio' if spanish else 'Episode'} {n}"
    if spanish:
        if style == "chapter":
            return f"Capítulo {n}"
        return f"{rng.choice(ES_NOUN)} {rng.choice(ES_ADJ)}" if rng.random() < .5 else rng.choice(ES_NOUN)
    if style == "chapter":   # Stranger Things style: the episode name has a colon
        return f"Chapter {NUMBER_WORDS[(n - 1) % 8]}: The {rng.choice(EN_NOUN)}"
    if n == 1 and rng.random() < 0.3:
        return "Pilot"
    pattern = rng.random()
    if pattern < 0.4:
        return f"The {rng.choice(EN_ADJ)} {rng.choice(EN_NOUN)}"
    if pattern < 0.7:
        return f"{_plural(rng.choice(EN_NOUN))} and {_plural(rng.choice(EN_NOUN))}"
    if pattern < 0.85:
        return f"Part {n}: {rng.choice(EN_ADJ)} {rng.choice(EN_NOUN)}"
    return rng.choice(EN_NOUN)


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith(("s", "sh", "ch", "x")) else "s")


def _season_label(rng: random.Random, style: str, n: int, spanish: bool) -> str | None:
    if style == "none":
        return None
    if style == "limited":
        return rng.choice(["Miniserie", "Serie limitada"]) if spanish else "Limited Series"
    word = {"season": ("Season", "Temporada"), "series": ("Series", "Temporada"),
            "part": ("Part", "Parte"), "volume": ("Volume", "Volumen"),
            "book": ("Book", "Libro"), "collection": ("Collection", "Colección")}[style]
    number = NUMBER_WORDS[n - 1] if style == "book" and not spanish and n <= 8 else str(n)
    return f"{word[1] if spanish else word[0]} {number}"


def episode_rows(rng: random.Random, persona: Persona, name: str, row: dict) -> list[str]:
    """All `Show: Season: Episode` rows the persona will watch of one show."""
    genres, seasons = set(row["genres"]), row["seasons"] or 1
    ep_style = ("numbered" if genres & {"Korean TV Shows", "Anime Series"} and rng.random() < .8
                else "chapter" if rng.random() < .08 else "named")
    if seasons == 1:
        season_style = rng.choices(["season", "limited", "none"], [5, 3, 2])[0]
    else:
        season_style = rng.choices(["season", persona.season_word, "part", "volume", "book",
                                    "collection"], [6, 3, 1, 1, 0.5, 0.3])[0]
    per_season = (16 if "Korean TV Shows" in genres else 24 if "Kids' TV" in genres
                  else 6 if "Docuseries" in genres else rng.randint(8, 12))
    watched = 1 + sum(rng.random() < persona.loyalty for _ in range(seasons - 1))
    spanish = persona.language == "es"
    rows = []
    for s in range(1, watched + 1):
        label, names = _season_label(rng, season_style, s, spanish), set()
        for e in range(1, per_season + rng.randint(-2, 2) + 1):
            episode = _episode_name(rng, ep_style, e, spanish)
            for _ in range(5):   # episode names are unique within a season
                if episode not in names:
                    break
                episode = _episode_name(rng, ep_style, e, spanish)
            episode = episode if episode not in names else f"{episode} {e}"
            names.add(episode)
            rows.append(": ".join(p for p in (name, label, episode) if p))
    if rng.random() < 0.15:   # gave up part-way through
        rows = rows[: max(1, len(rows) // rng.randint(2, 4))]
    return rows


# --- simulation ----------------------------------------------------------------------

@dataclass
class Account:
    """Mutable state of one persona's simulation."""
    persona: Persona
    catalog: pl.DataFrame
    rng: random.Random
    core: np.ndarray
    drift: np.ndarray
    pop: np.ndarray
    added: np.ndarray                     # days since 1970 each title became available
    seen: np.ndarray                      # titles already picked
    hits: np.ndarray                      # IMDb votes of the most-voted titles, else 0
    watching: list[Show] = field(default_factory=list)
    views: list[tuple[date, int, str]] = field(default_factory=list)
    items: dict[str, dict] = field(default_factory=dict)
    movies_seen: list[int] = field(default_factory=list)
    emitted: set = field(default_factory=set)

    def emit(self, day: date, title: str, item: str, show_id: str | None, kind: str) -> None:
        if (day, title) in self.emitted:
            return   # the same title twice in a day is one row in a real export
        self.emitted.add((day, title))
        self.views.append((day, len(self.views), title))
        entry = self.items.setdefault(item, {"name": item, "show_id": show_id, "kind": kind,
                                             "rows": 0})
        entry["rows"] += 1

    def display_name(self, idx: int) -> str:
        title = self.catalog["title"][idx]
        return dict(self.persona.localized).get(title, title)


def _pick(acc: Account, day: date, frac: float) -> int | None:
    """A new catalog title: in taste (drifting) or a popular one outside it."""
    p, rng = acc.persona, acc.rng
    taste = (1 - frac) * acc.core + frac * acc.drift
    available = (acc.added <= (day - date(1970, 1, 1)).days) & ~acc.seen
    if rng.random() < p.outside_share:
        weights = np.where(taste < p.min_score, acc.hits, 0.0)
    else:
        weights = np.where(taste >= p.min_score, taste ** 2 * (0.15 + acc.pop) ** p.pop_power, 0.0)
    cum = np.cumsum(np.where(available, weights, 0.0))
    if cum[-1] <= 0:
        return None
    return int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))


def _start(acc: Account, day: date, idx: int, frac: float) -> None:
    """Begin watching catalog title idx: a movie is one row, a show joins `watching`.
    A show outside the account's taste is usually dropped after a few episodes."""
    acc.seen[idx] = True
    row, name = acc.catalog.row(idx, named=True), acc.display_name(idx)
    if row["kind"] == "movie":
        acc.movies_seen.append(idx)
        acc.emit(day, name, name, row["show_id"], "movie")
        return
    rows = episode_rows(acc.rng, acc.persona, name, row)
    taste = (1 - frac) * acc.core[idx] + frac * acc.drift[idx]
    if taste < acc.persona.min_score and acc.rng.random() < 0.6:
        rows = rows[: acc.rng.randint(1, 4)]
    acc.watching.insert(0, Show(name, row["show_id"], rows))


def _start_invented(acc: Account, day: date, name: str, kind: str) -> None:
    if kind == "movie":
        acc.emit(day, name, name, None, "movie")
        return
    show = Show(name, None, episode_rows(acc.rng, acc.persona, name, {"genres": [], "seasons": 1}))
    acc.emit(day, show.rows.pop(0), name, None, "show")   # the new original is tried at once
    if show.rows:
        acc.watching.insert(0, show)


def _watch_day(acc: Account, day: date, frac: float, todo: list) -> None:
    """One active day: continue shows, start new titles, rewatch family films."""
    p, rng = acc.persona, acc.rng
    budget = 1 + int(rng.expovariate(1 / max(p.session - 1, 0.1)))
    if rng.random() < p.binge:
        budget += rng.randint(4, 9)
    while todo and todo[0][0] <= day:
        _, kind, what = todo.pop(0)
        _start(acc, day, what, frac) if kind == "catalog" else _start_invented(acc, day, *what)
    while budget > 0:
        if acc.watching and rng.random() < 0.75:
            show = acc.watching[0] if rng.random() < 0.8 else rng.choice(acc.watching)
            acc.emit(day, show.rows.pop(0), show.name, show.show_id, "show")
            if not show.rows:
                acc.watching.remove(show)
        elif acc.movies_seen and rng.random() < p.rewatch:
            idx = rng.choice(acc.movies_seen[-12:])
            acc.emit(day, acc.display_name(idx), acc.display_name(idx),
                     acc.catalog["show_id"][idx], "movie")
        else:
            idx = _pick(acc, day, frac)
            if idx is not None:
                _start(acc, day, idx, frac)
        budget -= 1
        acc.watching = acc.watching[:3]   # a fourth show in parallel gets dropped


def _schedule(acc: Account) -> list:
    """Anchors at fixed points of the period; invented titles after the catalog closed."""
    p, rng = acc.persona, acc.rng
    by_title = {t: i for i, t in enumerate(acc.catalog["title"].to_list())}
    todo = []
    for n, title in enumerate(p.anchors):
        idx = by_title[title]   # KeyError = an anchor missing from the catalog
        earliest = max(p.start, date(1970, 1, 1) + timedelta(days=int(acc.added[idx])))
        when = earliest + timedelta(days=int((p.end - earliest).days * (n + 0.5) / (len(p.anchors) + 1)))
        todo.append((when, "catalog", idx))
        acc.seen[idx] = True   # never picked at random as well
    late = max(p.start, CATALOG_CLOSED)
    for name, kind in p.invented:
        todo.append((late + timedelta(days=rng.randint(0, (p.end - late).days)), "invented", (name, kind)))
    return sorted(todo, key=lambda t: (t[0], str(t[2])))


def simulate(persona: Persona, catalog: pl.DataFrame) -> Account:
    votes = catalog["votes"].to_numpy()
    avoid = taste_scores(catalog, {"genres": persona.avoid})
    pop = np.log1p(votes)
    hits = np.where(votes >= np.sort(votes)[-OUTSIDE_POOL], votes, 0.0)
    acc = Account(persona, catalog, random.Random(persona.seed),
                  taste_scores(catalog, persona.core) + avoid, taste_scores(catalog, persona.drift) + avoid,
                  pop / pop.max(), (catalog["added"] - date(1970, 1, 1)).dt.total_days().to_numpy(),
                  np.zeros(catalog.height, dtype=bool), hits)
    todo = _schedule(acc)
    for idx in [t[2] for t in todo if t[1] == "catalog"]:
        acc.seen[idx] = False
    span = (persona.end - persona.start).days
    for offset in range(span + 1):
        day = persona.start + timedelta(days=offset)
        due = bool(todo) and todo[0][0] <= day
        if due or acc.rng.random() < persona.activity:
            _watch_day(acc, day, offset / span, todo)
    return acc


# --- output ------------------------------------------------------------------------

def format_date(d: date, style: str) -> str:
    return {"us_short": f"{d.month}/{d.day}/{d.year % 100:02d}",
            "uk_short": f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
            "es_long": f"{d.day:02d}/{d.month:02d}/{d.year}",
            "iso": d.isoformat()}[style]


DATE_ORDER = {"us_short": "month_first", "uk_short": "day_first", "es_long": "day_first",
              "iso": "iso"}


def render_csv(acc: Account) -> bytes:
    """The export: header Title,Date, newest first, in the persona's CSV dialect."""
    p = acc.persona
    buf = io.StringIO()
    quoted = p.csv_style == "bom_crlf_quoted"
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL,
                        lineterminator="\r\n" if quoted else "\n")
    writer.writerow(["Title", "Date"])
    for day, _, title in sorted(acc.views, key=lambda v: (v[0], v[1]), reverse=True):
        writer.writerow([title, format_date(day, p.date_style)])
    return (b"\xef\xbb\xbf" if quoted else b"") + buf.getvalue().encode("utf-8")


def manifest_entry(acc: Account, catalog_norm: dict[str, str]) -> dict:
    """The truth about one file: persona, date order, and every item with its show_id."""
    p = acc.persona
    days = [v[0] for v in acc.views]
    items = sorted(acc.items.values(), key=lambda i: (-i["rows"], i["name"]))
    for item in items:
        norm = normalize_title_str(item["name"])
        item["catalog_name"] = item["show_id"] is not None and catalog_norm.get(item["show_id"]) == norm
    return {"persona": p.slug, "description": p.description, "seed": p.seed,
            "date_order": DATE_ORDER[p.date_style], "language": p.language,
            "rows": len(acc.views), "first_date": min(days).isoformat(),
            "last_date": max(days).isoformat(), "items": items}


def check_invented(catalog: pl.DataFrame) -> None:
    """Invented titles must not be (near-)copies of catalog titles, or they would match."""
    from rapidfuzz import fuzz, process
    norms = catalog["norm"].to_list()
    for p in PERSONAS:
        for name, _ in p.invented:
            best = process.extractOne(normalize_title_str(name), norms, scorer=fuzz.ratio)
            if best[1] >= 80:
                raise SystemExit(f"invented title {name!r} is too close to {best[0]!r}")


def main(out_dir: Path = OUT_DIR) -> None:
    catalog = load_catalog()
    check_invented(catalog)
    catalog_norm = dict(zip(catalog["show_id"].to_list(), catalog["norm"].to_list()))
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for persona in PERSONAS:
        acc = simulate(persona, catalog)
        (out_dir / f"{persona.slug}.csv").write_bytes(render_csv(acc))
        manifest[f"{persona.slug}.csv"] = manifest_entry(acc, catalog_norm)
        print(f"{persona.slug}.csv: {len(acc.views)} rows, {len(acc.items)} items")
    (out_dir / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")


def manifest_text(manifest: dict) -> str:
    """Indented JSON with one line per item, so diffs of the truth stay readable."""
    items = {name: entry.pop("items") for name, entry in manifest.items()}
    for name in manifest:
        manifest[name]["items"] = f"@items:{name}"
    text = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True)
    for name, rows in items.items():
        lines = ",\n".join("   " + json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)
        text = text.replace(json.dumps(f"@items:{name}"), "[\n" + lines + "\n  ]")
    return text + "\n"


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR)
