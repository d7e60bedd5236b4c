"""Investment copilot panel: describe a hypothetical title, get its hit probability (with
the model's cross-validated scores beside it), predicted TMDB popularity (with its
error), a risk level with its reason, and the most similar existing titles.

The model is trained by `refresh` (models/copilot_training.py) and only loaded here
(models/copilot_serving.py).
"""
from __future__ import annotations

from typing import NamedTuple

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from base.text import sentence
from dashapp.components import model_status
from dashapp.components.a11y import label_for
from dashapp.components.chart_spec import Chart, register_charts
from dashapp.figures import copilot as figs
from dashapp.state import wh
from models import artifacts, copilot, copilot_serving, serving
from queries import catalog, validation

dash.register_page(__name__, path="/models/copilot", name="Investment copilot", order=12,
                   filters=False,  # scores a planned title, not the catalog
                   title="Investment copilot · Netflix Content Insights")

FORM, STORE = "copilot-form", "copilot-result-store"
POSITION, CALIBRATION = "copilot-position", "copilot-calibration"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TIMING = ([{"label": f"Q{q} (any month)", "value": f"q{q}"} for q in range(1, 5)]
          + [{"label": m, "value": f"m{i}"} for i, m in enumerate(MONTHS, 1)])
RISK_COLOURS = {"low": "success", "medium": "warning", "high": "danger"}


def loaded():
    """(model, meta) of this build's copilot, or ModelMissing."""
    return serving.load(wh().paths.data_dir, wh().build_id, copilot.NAME)


def position_frame(kind: str) -> pl.DataFrame:
    """Grain: one row per scored existing title of `kind` (its CV hit probability)."""
    try:
        model, _ = loaded()
    except artifacts.ModelMissing:
        return pl.DataFrame(schema={"show_id": pl.String, "title": pl.String,
                                    "oof_probability": pl.Float64, "is_hit": pl.Boolean})
    return pl.DataFrame([{k: t[k] for k in ("show_id", "title", "oof_probability", "is_hit")}
                         for t in model.titles if t["kind"] == kind])


def calibration_frame() -> pl.DataFrame:
    """Grain: one row per type × probability bin of the CV reliability summary."""
    try:
        model, _ = loaded()
    except artifacts.ModelMissing:
        return pl.DataFrame(schema={"kind": pl.String, "bin": pl.Int64, "predicted": pl.Float64,
                                    "observed": pl.Float64, "titles": pl.Int64})
    return pl.DataFrame(model.reliability).filter(pl.col("kind") != "all")


class Positions(NamedTuple):
    """What both charts draw: the chosen type's titles, the calibration bins, and the
    assessed title (its probability and base rate) when it is of that type."""
    titles: pl.DataFrame
    calibration: pl.DataFrame
    mine: dict


def positions(kind: str | None, store) -> Positions:
    kind = validation.choice(kind, ("movie", "show"), "movie")
    store = validation.mapping(store, "result store")
    return Positions(position_frame(kind), calibration_frame(),
                     store if store.get("kind") == kind else {})


CHOSEN = (Input(f"{FORM}-type", "value"), Input(STORE, "data"))
# Neither chart follows the global filters: they describe the trained model, for the
# type chosen in the form and the title last assessed. One query draws both.
SPECS = [
    Chart(id=POSITION, query=positions, filtered=False, title=figs.POSITION_TITLE,
          inputs=CHOSEN,
          figure=lambda p, *_: figs.probability_position(p.titles, p.mine.get("probability")),
          insights=lambda p, *_: figs.position_insights(p.titles, p.mine.get("probability"),
                                                        p.mine.get("base_rate")),
          csv=lambda _filters: pl.concat([position_frame("movie"), position_frame("show")]),
          how_to_read=(
              "Bars count existing titles of the chosen type by the hit probability the "
              "model gave them when they were held out of training (5-fold cross-"
              "validation), red for titles that became hits. The dashed line is the title "
              "you assessed: the further right, the more it resembles past hits.")),
    Chart(id=CALIBRATION, query=positions, filtered=False, title=figs.CALIBRATION_TITLE,
          inputs=CHOSEN,
          figure=lambda p, *_: figs.calibration(p.calibration),
          insights=lambda p, *_: figs.calibration_insights(p.calibration),
          csv=lambda _filters: calibration_frame(),
          how_to_read=(
              "Titles are sorted by predicted probability into 10 equal groups per type. "
              "Each point is a group's mean prediction (x) against the share that actually "
              "became hits (y). Points on the dotted diagonal mean a predicted 30% really "
              "is a hit about 30% of the time.")),
]
CHARTS = {spec.id: spec for spec in SPECS}
# update_charts(kind, store) → position figure, insights, calibration figure, insights
update_charts = register_charts(*SPECS)[POSITION]


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Investment copilot"),
        html.P("How likely is a planned title to become a hit (top quarter of engagement "
               "among scored titles of its type), how popular might it be on TMDB, how risky "
               "is it, and which existing titles are most like it? Only what is known before "
               "release is used; no IMDb or TMDB outcome is an input. Model card: "
               "docs/models/copilot.md.", className="text-muted"),
        status_alert(),
        dbc.Row([dbc.Col(form(), lg=4), dbc.Col(dbc.Card(dbc.CardBody(html.Div(
            "Describe a title and press Assess.", id=f"{FORM}-result",
            **{"aria-live": "polite"})), className="mb-3"), lg=8)]),
        dcc.Store(id=STORE),
        dbc.Row([
            dbc.Col(CHARTS[POSITION].card(), lg=6),
            dbc.Col(CHARTS[CALIBRATION].card(), lg=6),
        ]),
    ])


def status_alert():
    return model_status.status_alert(
        copilot.NAME, lambda meta: f"{model_status.trained_sentence(meta)} {meta.notes}.",
        alert_id="copilot-status")


def options() -> dict:
    """Form choices: the model's own vocabulary, or the catalog's when it is missing."""
    try:
        return loaded()[0].vocabulary
    except artifacts.ModelMissing:
        opts = catalog.filter_options(wh())
        return {"genres": {"movie": list(opts.genres), "show": list(opts.genres)},
                "countries": list(opts.countries), "languages": []}


def field(label: str, control) -> html.Div:
    return html.Div([label_for(label, control.id, className="form-label small mb-0"), control],
                    className="mb-2")


def form() -> dbc.Card:
    vocab = options()
    return dbc.Card(dbc.CardBody([
        html.H5("Planned title"),
        field("Type", dbc.RadioItems(id=f"{FORM}-type", value="movie", inline=True, options=[
            {"label": "Movie", "value": "movie"}, {"label": "TV show", "value": "show"}])),
        field("Netflix categories (1–5)", dcc.Dropdown(id=f"{FORM}-genres", multi=True,
                                                       options=vocab["genres"]["movie"],
                                                       placeholder="Pick 1 to 5 categories")),
        field("Month or quarter added", dcc.Dropdown(id=f"{FORM}-timing", options=TIMING,
                                                     placeholder="Any time of year")),
        field("Primary country", dcc.Dropdown(id=f"{FORM}-country", options=vocab["countries"],
                                              placeholder="Unknown")),
        field("Original language (ISO 639-1)", dcc.Dropdown(
            id=f"{FORM}-language", options=vocab["languages"],
            placeholder="The country's most common")),
        dbc.Row([dbc.Col(field("Runtime (minutes)", dbc.Input(
                     id=f"{FORM}-runtime", type="number", min=1, max=600, value=100))),
                 dbc.Col(field("Seasons", dbc.Input(id=f"{FORM}-seasons", type="number", min=1,
                                                    max=50, value=1, disabled=True)))]),
        field("Maturity rating", dcc.Dropdown(id=f"{FORM}-rating", options=list(copilot.RATINGS),
                                              placeholder="Unknown")),
        dbc.Button("Assess", id=f"{FORM}-go", color="danger"),
    ]), className="mb-3")


@callback(Output(f"{FORM}-genres", "options"), Output(f"{FORM}-genres", "value"),
          Output(f"{FORM}-runtime", "disabled"), Output(f"{FORM}-seasons", "disabled"),
          Input(f"{FORM}-type", "value"), State(f"{FORM}-genres", "value"))
def type_changed(kind, genres):
    """Categories of the chosen type (movie and show categories differ), and the matching
    length input."""
    kind = validation.choice(kind, ("movie", "show"), "movie")
    genres = validation.text_list(genres, "genres")
    allowed = options()["genres"].get(kind, [])
    return allowed, [g for g in genres if g in allowed], kind == "show", kind != "show"


@callback(Output(f"{FORM}-result", "children"), Output(STORE, "data"),
          Input(f"{FORM}-go", "n_clicks"),
          State(f"{FORM}-type", "value"), State(f"{FORM}-genres", "value"),
          State(f"{FORM}-timing", "value"), State(f"{FORM}-country", "value"),
          State(f"{FORM}-language", "value"), State(f"{FORM}-runtime", "value"),
          State(f"{FORM}-seasons", "value"), State(f"{FORM}-rating", "value"),
          prevent_initial_call=True)
def assess(_clicks, kind, genres, timing, country, language, runtime, seasons, rating):
    timing = validation.text(timing, "timing", max_len=20) or ""
    # "m5" / "q4" (the timing dropdown's values): the request takes numbers, not text
    when = int(timing[1:]) if timing[1:].isascii() and timing[1:].isdigit() else timing[1:]
    data = {"type": kind, "genres": genres or [], "country": country, "language": language,
            # the other kind's length field is disabled, but keeps its value
            "runtime_minutes": runtime if kind != "show" else None,
            "seasons": seasons if kind == "show" else None, "maturity_rating": rating,
            "month": when if timing.startswith("m") else None,
            "quarter": when if timing.startswith("q") else None}
    try:
        result = copilot_serving.predict(wh().paths.data_dir, wh().build_id,
                                 copilot_serving.CopilotRequest.parse(data))
    except (serving.BadInput, artifacts.ModelMissing) as exc:
        return dbc.Alert(form_message(exc), color="warning"), None
    return result_view(result), {"kind": result["kind"], "probability": result["hit_probability"],
                                 "base_rate": result["base_rate"]}


# The request's messages name the API's fields; the form says them as its labels do.
FORM_LABELS = {"runtime_minutes": "Runtime (minutes)", "seasons": "Seasons"}


def form_message(exc: Exception) -> str:
    """The model's message (lowercase, as the API returns it) as the form shows it: its
    fields by their labels, starting with a capital."""
    text = str(exc)
    for key, label in FORM_LABELS.items():
        if text.startswith(key + " "):
            return label + text[len(key):]
    return text[:1].upper() + text[1:]


def _temporal_note(r: dict) -> str:
    """The score that mimics use: trained on additions before 2021, scored on 2021's."""
    t = r.get("hit_model_scores_2021") or {}
    if not t:
        return ""
    return (f"Scored on the {t['titles']:,} titles added in 2021 (trained on earlier ones), "
            f"the model ranked a hit above a non-hit {t['roc_auc']:.0%} of the time (ROC-AUC "
            f"{t['roc_auc']:.2f}), and its probabilities missed by {t['brier']:.3f} against "
            f"{t['baseline_brier']:.3f} for always guessing the base rate (Brier: squared error, "
            "lower is better). ")


def result_view(r: dict) -> html.Div:
    """Probability beside its model's scores, popularity beside its error, risk, benchmarks."""
    s, pop, risk = r["hit_model_scores"], r["popularity"], r["risk"]
    low, high = pop["middle_half"]
    stat = lambda label, value, note: dbc.Col([  # noqa: E731
        html.Div(label, className="small text-muted"), html.Div(value, className="fs-3 fw-bold"),
        html.Div(note, className="small text-muted")], md=4, className="mb-2")
    return html.Div([
        dbc.Row([
            # plain words first, each score's name after it for the analysts who know it
            stat("Hit probability", f"{r['hit_probability']:.0%}",
                 f"{r['base_rate']:.0%} of titles of this type are hits (the base rate). "
                 f"{_temporal_note(r)}Cross-validated on the catalog: CV ROC-AUC "
                 f"{s['roc_auc']:.2f}, Brier {s['brier']:.3f} ({s['baseline_brier']:.3f} for "
                 "always guessing the base rate)."),
            stat("Predicted TMDB popularity", f"{pop['predicted']:.1f}",
                 f"TMDB's popularity index (no unit; higher is more popular). Likely "
                 f"{low:.1f}–{high:.1f}: the middle half of the model's errors in "
                 f"cross-validation. On average it was off by {pop['mae_points']:.1f} points, "
                 f"{pop['baseline_mae_points']:.1f} when guessing the average (CV MAE)."),
            dbc.Col([html.Div("Risk", className="small text-muted"),
                     dbc.Badge(risk["level"].upper(), color=RISK_COLOURS[risk["level"]],
                               className="fs-5 my-1", id="copilot-risk"),
                     html.Div(sentence(risk["reason"]), className="small text-muted")],
                    md=4),
        ]),
        html.H6("Most similar existing titles (same type)", className="mt-3"),
        benchmarks_table(r["benchmarks"]),
        html.Small("Probabilities are calibrated on held-out folds (see the calibration chart); "
                   "a hit is a top-quarter engagement score for its type (docs/PERFORMANCE.md).",
                   className="text-muted"),
    ])


def benchmarks_table(rows: list[dict]) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(c) for c in (
        "Title", "Year", "Country", "Categories", "Engagement (0–100)", "Hit",
        "TMDB popularity", "Similarity (0–1)")]))
    body = [html.Tr([html.Td(c) for c in (
        b["title"], b["release_year"], b["country"] or "—", ", ".join(b["genres"]),
        f"{b['engagement_score']:.1f}", "yes" if b["is_hit"] else "no",
        "—" if b["tmdb_popularity"] is None else f"{b['tmdb_popularity']:,.1f}",
        f"{b['similarity']:.2f}")]) for b in rows]
    return dbc.Table([head, html.Tbody(body)], size="sm", striped=True, responsive=True,
                     className="small", id="copilot-benchmarks")
