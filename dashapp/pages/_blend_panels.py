"""The two tabs of a blend: the shared list (with its filters) and 'your viewing'."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from blend import insights as bi  # noqa: F401 (BINGE_MIN_EPISODES)
from blend import service as blend_service
from blend.recommender import BlendFilters
from dashapp import ids
from dashapp.components.a11y import label_for
from dashapp.components.chart import chart_card, graph_id, insight_items, insights_id
from dashapp.figures import blend as figs
from dashapp.pages import _blend_parts as parts
from dashapp.state import wh
from models import artifacts, serving
from queries import catalog, validation
from queries.export import frame_csv

EVERYONE = blend_service.EVERYONE
FOR_WHOM, COUNT, KIND = "blend-for-whom", "blend-count", "blend-kind"
RUNTIME, RATINGS, EXCLUDE = "blend-runtime", "blend-ratings", "blend-exclude"
RECS, RECS_CSV, RECS_DOWNLOAD = "blend-recs", "blend-recs-csv", "blend-recs-download"
CSV_BUTTON, CSV_DOWNLOAD = "blend-csv-button", "blend-csv-download"
VERSION, CONTENT, BLEND_ID = ids.BLEND_VERSION, ids.BLEND_CONTENT, ids.BLEND_ID
CHARTS = {  # chart id → how to read it
    "blend-over-time": "Rows of each person's file per month: one row is one episode or "
                       "one movie watched. Gaps are months with no viewing on this profile.",
    "blend-weekday": "Each person's viewing rows split by weekday, as a share of all their "
                     "rows, so a heavy and a light watcher compare fairly.",
    "blend-month": "Share of each person's rows per calendar month, all years together.",
    "blend-kinds": "Share of rows that are TV episodes vs movies (unmatched single rows "
                   "count as movies).",
    "blend-top-shows": "Each person's shows with the most episodes watched.",
    "blend-binges": f"Days on which a person watched {bi.BINGE_MIN_EPISODES} or more "
                    "episodes of the same show, counted per month.",
    "blend-genres": "Netflix categories of the titles found in the catalog, as a share of "
                    "each person's matched titles (a title has several categories).",
    "blend-countries": "Production countries of the matched titles, as a share of each "
                       "person's matched titles.",
}


def recommendations_panel() -> html.Div:
    return html.Div([dbc.Row([
        _control("For", dcc.Dropdown(id=FOR_WHOM, clearable=False, value=EVERYONE,
                                     options=[{"label": "Everyone together",
                                               "value": EVERYONE}]), 3),
        # "Movies and TV shows" was cut to "Movies and TV s…" in its two columns at 1280 px
        _control("Show", dcc.Dropdown(id=KIND, clearable=False, value="any", options=[
            {"label": "All titles", "value": "any"},
            {"label": "Movies", "value": "movie"}, {"label": "TV shows", "value": "show"}]), 2),
        _control("Longest movie (minutes)", dcc.Dropdown(
            id=RUNTIME, placeholder="Any length",
            options=[{"label": f"up to {m} min", "value": m} for m in (90, 100, 120, 150)]), 2),
        _control("Maturity ratings", dcc.Dropdown(id=RATINGS, multi=True, options=parts.RATINGS,
                                                  placeholder="Any rating"), 2),
        _control("Leave out genres", dcc.Dropdown(id=EXCLUDE, multi=True,
                                                  placeholder="None left out"), 2),
        _control("Titles", dcc.Dropdown(id=COUNT, clearable=False, value=20,
                                        options=[10, 20, 30, 50]), 1),
    ], className="g-2 mb-3"),
        dcc.Loading(html.Div(id=RECS, **{"aria-live": "polite"}), type="dot", color="#E50914"),
        dbc.Button("Download the list (CSV)", id=RECS_CSV, size="sm", color="light",
                   outline=True),
        dcc.Download(id=RECS_DOWNLOAD)], className="pt-3")


def _control(label: str, control, md: int) -> dbc.Col:
    return dbc.Col([label_for(label, control.id), control], md=md)


# one panel per person side by side: these need the page's width (the top shows' names
# ran over the next panel's bars in a half-width card)
WIDE = ("blend-top-shows", "blend-binges")


def insights_panel() -> html.Div:
    cards = [(c in WIDE, chart_card(c, how, csv_type=CSV_BUTTON, height=380,
                                    min_width=700 if c == "blend-top-shows" else None))
             for c, how in CHARTS.items()]
    halves = [card for wide, card in cards if not wide]
    rows = [dbc.Row([dbc.Col(a, lg=6), dbc.Col(b, lg=6)])
            for a, b in zip(halves[::2], halves[1::2])]
    rows[2:2] = [dbc.Row(dbc.Col(card)) for wide, card in cards if wide]
    return html.Div([dbc.Card(dbc.CardBody([html.H5("In common"),
                                            html.Ul(id="blend-overlap", className="mb-0")]),
                              className="mb-3"), *rows], className="pt-3")


def filters_from(kind, runtime, ratings, exclude) -> BlendFilters:
    """The controls' values, checked (a 400 for types no control sends)."""
    kind = validation.text(kind, "kind", max_len=20)
    runtime = validation.number(runtime, "runtime")
    return BlendFilters(kinds=() if kind in (None, "any") else (kind,),
                        max_runtime_minutes=runtime,
                        ratings=tuple(validation.text_list(ratings, "ratings")),
                        exclude_genres=tuple(validation.text_list(exclude, "genres")))


@callback(Output(RECS, "children"), Output(EXCLUDE, "options"),
          Input(VERSION, "data"), Input(CONTENT, "data"), Input(FOR_WHOM, "value"),
          Input(COUNT, "value"), Input(KIND, "value"), Input(RUNTIME, "value"),
          Input(RATINGS, "value"), Input(EXCLUDE, "value"), State(BLEND_ID, "data"))
def update_recommendations(_version, _content, for_whom, n, kind, runtime, ratings, exclude,
                           blend_id):
    blend_id = parts.blend_id_of(blend_id)
    genres = list(catalog.filter_options(wh()).genres)
    try:
        people, recs = blend_service.recommendations(
            wh().paths.data_dir, wh(), blend_id, for_whom, n, filters_from(kind, runtime, ratings, exclude))
    except blend_service.NothingToRecommend as exc:
        return dbc.Alert(str(exc), color="info"), genres
    except (artifacts.ModelMissing, serving.BadInput) as exc:
        return dbc.Alert(str(exc), color="warning"), genres
    if not recs:
        return dbc.Alert("No titles left under these filters: loosen them.",
                         color="info"), genres
    # interest mixes taste with what real households watch (the learned prior):
    # say so, or the popular picks at the top look unexplained
    lead = ("Titles none of you has watched, ranked by your shared interest (your tastes, "
            "and what many Netflix households watch), keeping the ones you agree on most."
            if len(people) > 1 else
            f"Titles {people[0]} has not watched, ranked by interest (their taste, and what "
            "many Netflix households watch).")
    return [html.P(lead, className="small text-muted"),
            parts.recommendation_list(recs, people)], genres


@callback(Output(RECS_DOWNLOAD, "data"), Input(RECS_CSV, "n_clicks"),
          State(BLEND_ID, "data"), State(FOR_WHOM, "value"), State(COUNT, "value"),
          State(KIND, "value"), State(RUNTIME, "value"), State(RATINGS, "value"),
          State(EXCLUDE, "value"), prevent_initial_call=True)
def download_recommendations(_n, blend_id, for_whom, n, kind, runtime, ratings, exclude):
    blend_id = parts.blend_id_of(blend_id)
    try:
        people, recs = blend_service.recommendations(
            wh().paths.data_dir, wh(), blend_id, for_whom, n, filters_from(kind, runtime, ratings, exclude))
    except (blend_service.NothingToRecommend, artifacts.ModelMissing, serving.BadInput):
        raise PreventUpdate from None
    return dcc.send_string(frame_csv(blend_service.recommendations_frame(recs, people)),
                           "blend.csv")


@callback([Output(graph_id(c), "figure") for c in CHARTS]
          + [Output(insights_id(c), "children") for c in CHARTS]
          + [Output("blend-overlap", "children")],
          Input(VERSION, "data"), Input(CONTENT, "data"), Input(BLEND_ID, "data"))
def update_insights(_version, _content, blend_id):
    blend_id = parts.blend_id_of(blend_id)
    people, f = blend_service.insight_frames(wh().paths.data_dir, wh(), blend_id)
    figures = [figs.over_time(f["blend-over-time"], people),
               figs.share_bars(f["blend-weekday"], people, "weekday", figs.WEEKDAY_TITLE),
               figs.share_bars(f["blend-month"], people, "month", figs.MONTH_TITLE),
               figs.share_bars(f["blend-kinds"], people, "kind", figs.KIND_TITLE),
               figs.top_shows(f["blend-top-shows"], people),
               figs.binges(f["blend-binges"], people),
               figs.facet_bars(f["blend-genres"], people, figs.GENRE_TITLE),
               figs.facet_bars(f["blend-countries"], people, figs.COUNTRY_TITLE)]
    return figures + [insight_items(s) for s in figs.insight_sentences(f, people)]


@callback(Output({"type": CSV_DOWNLOAD, "chart": MATCH}, "data"),
          Input({"type": CSV_BUTTON, "chart": MATCH}, "n_clicks"), State(BLEND_ID, "data"),
          prevent_initial_call=True)
def download_chart(_n, blend_id):
    trigger = ctx.triggered_id  # None when a request names no input as changed
    chart = trigger.get("chart") if isinstance(trigger, dict) else None
    blend_id = parts.blend_id_of(blend_id)
    _people, frames = blend_service.insight_frames(wh().paths.data_dir, wh(), blend_id)
    if chart not in frames:
        raise PreventUpdate
    return dcc.send_string(frame_csv(frames[chart]), f"{chart}.csv")
