"""Title Explorer: the detail panel of one title.

Metadata, categories, countries, directors and cast (title_people), IMDb/TMDB
metrics, how the match was made (title_matches) and similar titles. Text only: no
poster image (it would be a request to TMDB's CDN) and no HTML from the data.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
import polars as pl
from dash import html

from base.text import counted
from dashapp.pages._titles_table import KIND_TEXT, length_text, title_href
from queries import titles
from queries.db import Warehouse

CAST_SHOWN = 12
SOURCE_TEXT = {"imdb": "IMDb/TMDB dataset (2022)", "tmdb_market": "TMDB market list"}


def placeholder() -> list:
    return [html.H4("Title details", className="mb-2"),
            html.P("Pick a title in the table to see everything the warehouse knows about "
                   "it: metadata, cast and directors, IMDb/TMDB metrics, how it was "
                   "matched, and similar titles.", className="text-muted small mb-0")]


def detail_panel(wh: Warehouse, show_id: str | None) -> list:
    """The panel's children for `show_id` (a placeholder when none or unknown)."""
    if show_id is None:
        return placeholder()
    t = titles.titles_detail(wh, show_id)
    if t is None:
        return [dbc.Alert(f"No title with id {show_id} in this build.", color="secondary"),
                *placeholder()[1:]]
    sid = t["show_id"]
    return [
        html.Div([html.A("×", href="#", className="close-detail", title="Close",
                         **{"aria-label": "Close details"}),
                  html.H4(t["title"], className="mb-1", id="titles-detail-title")]),
        html.Div(headline(t), className="text-muted small mb-2"),
        html.P(t["description"] or "No description.", className="mb-3 detail-description"),
        facts(t),
        section("Directors and cast", people(titles.titles_people(wh, sid))),
        section("Audience metrics", metrics(t)),
        section("Match to IMDb/TMDB", matches(titles.titles_matches(wh, sid))),
        section("Similar titles", similar(titles.titles_similar(wh, sid))),
    ]


def headline(t: dict) -> str:
    parts = [KIND_TEXT.get(t["kind"], t["kind"]), str(t["release_year"]),
             t["maturity_rating"] or "not rated", length_text(t),
             f"id {t['show_id']}"]   # the catalog's id, as the SQL console knows it
    return " · ".join(p for p in parts if p and p != "—")


def section(title: str, body) -> html.Div:
    return html.Div([html.H6(title, className="detail-heading"), body], className="mb-3")


def _dl(pairs: list[tuple[str, object]]) -> html.Dl:
    items = []
    for label, value in pairs:
        items += [html.Dt(label, className="col-4 text-muted fw-normal"),
                  html.Dd(value if value not in (None, "", []) else "—", className="col-8 mb-1")]
    return html.Dl(items, className="row small mb-2")


def facts(t: dict) -> html.Dl:
    added = t["date_added"].isoformat() if t["date_added"] else None
    if added and t["addition_lag_years"] is not None:
        lag = t["addition_lag_years"]
        added += (" (the year it was released)" if lag == 0 else
                  f" ({counted(lag, 'year')} after release)" if lag > 0 else
                  f" ({counted(-lag, 'year')} before its release year)")
    return _dl([
        ("Added to Netflix", added),
        ("Categories", [html.Span(g, className="badge genre-badge me-1")
                        for g in t["genres"] or []]),
        ("Countries", ", ".join(t["countries"] or [])),
        ("Original language", t["original_language"]),
    ])


def people(frame: pl.DataFrame) -> html.Div:
    if frame.height == 0:
        return html.P("The catalog lists no director or cast.", className="small text-muted")
    directors = frame.filter(pl.col("role") == "director")["person_name"].to_list()
    cast = frame.filter(pl.col("role") == "actor")["person_name"].to_list()
    cast_value: list | str = ", ".join(cast[:CAST_SHOWN])
    if len(cast) > CAST_SHOWN:
        cast_value = [cast_value, html.Details([
            html.Summary(f"and {len(cast) - CAST_SHOWN} more", className="small"),
            ", ".join(cast[CAST_SHOWN:])], className="d-inline")]
    return _dl([("Director" + ("s" if len(directors) > 1 else ""), ", ".join(directors)),
                (f"Cast ({len(cast)})" if cast else "Cast", cast_value)])


def metrics(t: dict) -> html.Dl:
    def score(value, votes, scale):
        if value is None:
            return None
        text = f"{value:.1f} / {scale}"
        return text + (f" from {votes:,} votes" if votes is not None else "")
    popularity = f"{t['tmdb_popularity']:,.1f}" if t["tmdb_popularity"] is not None else None
    return _dl([("IMDb score", score(t["imdb_score"], t["imdb_votes"], 10)),
                ("TMDB score", score(t["tmdb_score"], t["tmdb_vote_count"], 10)),
                ("TMDB popularity", popularity),
                ("IMDb id", t["imdb_id"])])


def matches(frame: pl.DataFrame) -> html.Div:
    if frame.height == 0:
        return html.P("Not matched to the IMDb/TMDB dataset or the TMDB market lists, so "
                      "it has no audience metrics.", className="small text-muted")
    return html.Ul([_match_item(m) for m in frame.iter_rows(named=True)],
                   className="list-unstyled small mb-0")


def _match_item(m: dict) -> html.Li:
    year = f" ({m['matched_release_year']})" if m["matched_release_year"] else ""
    facts = [m["match_method"].replace("_", " ") + " match",
             f"the matcher's confidence {m['match_confidence']:.0%}"]
    if m["year_gap"]:   # Netflix's year minus the match's (a show's is its latest season)
        gap = m["year_gap"]
        facts.append(f"Netflix's year {abs(gap)} {'later' if gap > 0 else 'earlier'}")
    elif m["year_gap"] == 0:
        facts.append("same year")
    return html.Li([html.Span(SOURCE_TEXT.get(m["source"], m["source"]) + ": ",
                              className="text-muted"),
                    html.Span(f"{m['matched_title'] or m['matched_key']}{year}"),
                    html.Div(" · ".join(facts), className="text-muted similar-why")],
                   className="mb-2")


def similar(frame: pl.DataFrame) -> html.Div:
    if frame.height == 0:
        return html.P("No title shares its exact categories or any of its people.",
                      className="small text-muted")
    return html.Ul([_similar_item(s) for s in frame.iter_rows(named=True)],
                   className="list-unstyled small mb-0 similar-list")


def _similar_item(s: dict) -> html.Li:
    reasons = []
    if s["shared_people"]:
        names = s["shared_names"][:3]
        more = f" +{s['shared_people'] - len(names)}" if s["shared_people"] > len(names) else ""
        reasons.append("shares " + ", ".join(names) + more)
    if s["same_genres"]:
        reasons.append("same categories")
    score = f" · IMDb {s['imdb_score']:.1f}" if s["imdb_score"] is not None else ""
    return html.Li([html.A(s["title"], href=title_href(s["show_id"]), className="title-link"),
                    html.Span(f" ({KIND_TEXT.get(s['kind'], s['kind'])}, "
                              f"{s['release_year']}{score})", className="text-muted"),
                    html.Div("; ".join(reasons), className="text-muted similar-why")],
                   className="mb-2")
