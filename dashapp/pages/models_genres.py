"""Genre classifier panel: scores next to the baseline, per-label F1, label
co-occurrence, and a live form (paste a synopsis → categories, probabilities, words).

The model is trained by `refresh` and only loaded here (models/serving.py).
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from base.text import sentence
from dashapp.components.a11y import label_for
from dashapp.components.chart_spec import Chart, register_charts
from dashapp.figures import models as figs
from dashapp.state import wh
from models import artifacts, serving
from queries import catalog
from queries import models as q

dash.register_page(__name__, path="/models/genres", name="Genre classifier", order=10,
                   title="Genre classifier · Netflix Content Insights")

LABELS, COOC = "genres-labels", "genres-cooccurrence"
VARIANT, FORM = "genres-variant", "genres-form"


def _variant_picker() -> list:
    # dbc's radios: dcc.RadioItems (Dash 4) nests each <input> in a role=option label,
    # an interactive control inside another
    return [html.Div([label_for("Model", VARIANT, className="small text-muted me-2"),
                      dbc.RadioItems(id=VARIANT, value="genres_netflix", inline=True,
                                     options=[{"label": v, "value": k}
                                              for k, v in q.GENRE_VARIANTS.items()],
                                     className="d-inline-block small")],
                     className="mb-2")]


# Per-label F1 describes the trained model, not the filtered catalog: no filters.
LABELS_CHART = Chart(
    LABELS, lambda variant: q.genre_labels(wh(), variant or "genres_netflix"),
    lambda frame, _variant: figs.label_f1(frame),
    lambda frame, _variant: figs.label_insights(frame), filtered=False,
    inputs=(Input(VARIANT, "value"),), height=860, extra=_variant_picker, title=figs.LABELS_TITLE,
    csv=lambda _filters: q.genre_labels(wh(), "genres_netflix"), how_to_read=(
        "One bar per label: F1 on titles the model never saw (2021 additions; unseen "
        "TMDB movies), the harmonic mean of precision and recall. Hover shows "
        "precision, recall and how many of those titles carry the label; small labels "
        "are the hardest."))
update_labels = register_charts(LABELS_CHART)[LABELS]
COOC_CHART = Chart(
    COOC, lambda f: q.genre_cooccurrence(wh(), f), figs.cooccurrence,
    figs.cooccurrence_insights, title=figs.COOC_TITLE, how_to_read=(
        "Rows and columns are the most frequent categories in the filtered catalog. A cell "
        "is the share of the row category's titles that also carry the column category, "
        "so the matrix is not symmetric."))
update_cooccurrence = register_charts(COOC_CHART)[COOC]

# What each stored model and split is, for people; the stored names (the model card's)
# stay under them in small type.
MODEL_LABELS = {
    **q.GENRE_VARIANTS,   # the served models, named as the model picker names them
    "genres_netflix_plain": "Plain model (TF-IDF + logistic regression)",
    "genres_netflix_baseline": "Seed baseline",
    "genres_tmdb_plain": "Plain model (TF-IDF + logistic regression)",
    "genres_tmdb_baseline": "Seed baseline",
}
SPLIT_LABELS = {
    "temporal_2021": "Titles added in 2021 (trained on earlier ones)",
    "unseen_tmdb": "Recent movies outside the bundle",
    "cv3_oof": "Random 3-fold split (out of fold)",
}

SCORE_COLUMNS = [("micro_f1", "micro-F1"), ("macro_f1", "macro-F1"), ("samples_f1", "samples-F1"),
                 ("hamming_loss", "Hamming loss"), ("subset_accuracy", "subset accuracy")]


def layout(**_query) -> html.Div:
    summary = q.genre_summary(wh())
    return html.Div([
        html.H2("Genre classifier"),
        html.P("Multi-label prediction of Netflix categories (42 labels) from a title's text "
               "and metadata (plus what genre models trained on the warehouse's TMDB and "
               "IMDb titles, none of them a catalog title, read in that text, and a "
               "pretrained sentence encoder's reading of it, whose closest training titles "
               "also vote with their labels), and of TMDB genres from a movie's overview. "
               "Judged on titles "
               "they never saw: the Netflix models are trained on the titles added before "
               "2021 and scored on the 2021 additions; the TMDB model is scored on recent "
               "movies outside the bundle. Each next to the plain model (TF-IDF words and "
               "characters, logistic regression) and the seed's baseline, from the same run; "
               "the random split is shown for contrast. Model card: "
               "docs/models/genre_classifier.md.",
               className="text-muted"),
        status_alert(),
        dbc.Card(dbc.CardBody([html.H5("Scores"), scores_table(summary)]), className="mb-3"),
        dbc.Row([
            dbc.Col(live_form(), lg=5),
            dbc.Col(LABELS_CHART.card(), lg=7),
        ]),
        COOC_CHART.card(),
    ])


def status_alert():
    try:
        _, meta = serving.load(wh().paths.data_dir, wh().build_id, "genres")
    except artifacts.ModelMissing as exc:
        return dbc.Alert(str(exc), color="warning")
    return dbc.Alert(f"Model trained on this build ({meta.build_id}) at {meta.trained_at}, "
                     f"seed {meta.seed}, in {meta.train_seconds:.0f} s; scikit-learn "
                     f"{meta.versions.get('scikit-learn', '?')}.", color="secondary")


def scores_table(summary) -> html.Div:
    if summary.is_empty():
        return html.P("No model metrics in this build (it was built with train_models=0).")
    head = html.Thead(html.Tr([html.Th("Model"), html.Th("Judged on")]
                              + [html.Th(label) for _, label in SCORE_COLUMNS]))
    rows = [html.Tr([_named(MODEL_LABELS, r["model"]), _named(SPLIT_LABELS, r["split"])]
                    + [html.Td("—" if r[c] is None else f"{r[c]:.3f}") for c, _ in SCORE_COLUMNS])
            for r in summary.iter_rows(named=True)]
    return html.Div([
        dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, responsive=True,
                  className="mb-2"),
        html.P(SCORES_READ, className="small text-muted mb-0", id="genres-scores-read")])


# The scores in plain words, under the table (visible, not a hover: phones have none)
SCORES_READ = (
    "How to read the scores (0 to 1): micro-F1 weighs every label given and every label "
    "missed over all titles (higher is better); macro-F1 averages it per label, so rare "
    "categories count as much as common ones; samples-F1 averages it per title; Hamming "
    "loss is the share of title-and-label yes/no decisions that were wrong (lower is "
    "better); subset accuracy is the share of titles given exactly their labels.")


def _named(labels: dict[str, str], name: str) -> html.Td:
    """A readable label over the stored name (which the model card and CSV use)."""
    if name not in labels:
        return html.Td(name)
    return html.Td([labels[name], html.Br(), html.Code(name, className="small text-muted")])


def live_form() -> dbc.Card:
    countries = list(catalog.filter_options(wh()).countries)
    return dbc.Card(dbc.CardBody([
        html.H5("Try it"),
        label_for("Title (optional)", f"{FORM}-title"),
        dbc.Input(id=f"{FORM}-title", maxLength=serving.MAX_TITLE, className="mb-2"),
        label_for("Synopsis", f"{FORM}-description"),
        dbc.Textarea(id=f"{FORM}-description", placeholder="Paste a synopsis…", rows=5,
                     maxLength=serving.MAX_TEXT, className="mb-2"),
        dbc.RadioItems(id=f"{FORM}-type", options=[{"label": "Movie", "value": "movie"},
                                                   {"label": "TV show", "value": "show"}],
                       value="movie", inline=True, className="mb-2"),
        label_for("Production countries (optional)", f"{FORM}-countries"),
        dcc.Dropdown(id=f"{FORM}-countries", options=countries, multi=True,
                     placeholder="Any", className="mb-2"),
        more_details(),
        dbc.Button("Predict categories", id=f"{FORM}-go", color="danger", className="mb-3"),
        html.Div(id=f"{FORM}-result", **{"aria-live": "polite"}),
    ]), className="mb-3 h-100")


def more_details() -> html.Details:
    """What the API's full model reads beyond the form (folded: most people have only a
    synopsis). Any of it, and the full model answers: on the 2021 additions it scores
    0.718 micro-F1 against the form model's 0.686 (docs/models/genre_classifier.md)."""
    def field(label: str, name: str, control) -> html.Div:
        return html.Div([label_for(label, f"{FORM}-{name}"), control], className="mb-2")
    number = {"type": "number", "step": 1, "inputMode": "numeric"}
    return html.Details([
        html.Summary("More about the title (optional)", className="mb-2"),
        html.P("Give any of these and the full model answers: it reads them too and "
               "scores higher on titles it never saw (Scores, above).",
               className="small text-muted"),
        dbc.Row([
            dbc.Col(field("Release year", "year",
                          dbc.Input(id=f"{FORM}-year", min=1900, max=2100, **number))),
            dbc.Col(field("Length: minutes (movie) or seasons (show)", "length",
                          dbc.Input(id=f"{FORM}-length", min=1, max=600, **number))),
        ], align="end"),  # the inputs in line when a label wraps
        field("Maturity rating", "rating",
              dcc.Dropdown(id=f"{FORM}-rating", options=list(serving.RATINGS),
                           placeholder="Not given")),
        field("Cast (names separated by commas)", "cast",
              dbc.Input(id=f"{FORM}-cast", maxLength=2000)),
        field("Director(s)", "director",
              dbc.Input(id=f"{FORM}-director", maxLength=serving.MAX_TITLE)),
    ], className="mb-2")


@callback(Output(f"{FORM}-result", "children"), Input(f"{FORM}-go", "n_clicks"),
          State(f"{FORM}-title", "value"), State(f"{FORM}-description", "value"),
          State(f"{FORM}-type", "value"), State(f"{FORM}-countries", "value"),
          State(f"{FORM}-year", "value"), State(f"{FORM}-length", "value"),
          State(f"{FORM}-rating", "value"), State(f"{FORM}-cast", "value"),
          State(f"{FORM}-director", "value"), prevent_initial_call=True)
def predict(_clicks, title, description, kind, countries, year, length, rating, cast,
            director):
    length_key = "seasons" if kind == "show" else "runtime_minutes"
    try:
        request = serving.GenreRequest.parse({
            "title": title, "description": description, "type": kind,
            "countries": countries or [], "release_year": year, length_key: length,
            "rating": rating, "cast": cast, "director": director})
        result = serving.predict_genres(wh().paths.data_dir, wh().build_id, request)
    except (serving.BadInput, artifacts.ModelMissing) as exc:
        return dbc.Alert(sentence(str(exc)), color="warning")
    return prediction_view(result)


def prediction_view(result: dict) -> html.Div:
    """Labels with probability bars and the words that pushed each (all plain text)."""
    items = [html.Div([
        html.Div([html.Strong(item["label"]), html.Span(f" {item['probability']:.0%}")]),
        # a drawn bar only: the percentage is the text above it, so screen readers skip
        # it (dbc.Progress renders an unnamed role=progressbar)
        html.Div(html.Div(className="progress-bar bg-danger",
                          style={"width": f"{100 * item['probability']:.1f}%"}),
                 className="progress mb-1", style={"height": "6px"}, **{"aria-hidden": "true"}),
        html.Small("words: " + (", ".join(item["words"]) or "none in the text"),
                   className="text-muted"),
    ], className="mb-2") for item in result["labels"]]
    s, plain = result["model_scores"], result["model_scores"]["plain_model"]
    model = q.GENRE_VARIANTS.get(result["model"], result["model"])
    items.append(html.Small(f"{model} ({result['model']}), on titles it never saw "
                            f"({s['split']}): "
                            f"micro-F1 {s['micro_f1']:.2f}, macro-F1 {s['macro_f1']:.2f} "
                            f"(plain model {plain['micro_f1']:.2f} / {plain['macro_f1']:.2f}). "
                            "Probabilities are the model's, calibrated only as well as those "
                            "scores suggest.", className="text-muted"))
    return html.Div(items)
