"""Charts declared once (dashapp/components/chart_spec.py) and the page scope that filters
once per page (queries/db.py Scope)."""
from __future__ import annotations

import pytest  # noqa: F401 (fixtures come from conftest)


def _pages():
    """The charts that read the warehouse under the filters (their CSVs have rows on the
    session's untrained build)."""
    from dashapp.pages import market, models_genres, performance, universe
    return {"universe": universe.CHARTS, "market": market.CHARTS,
            "performance": performance.CHARTS,
            "models_genres": {models_genres.COOC: models_genres.COOC_CHART}}


def _model_and_state_pages():
    """The charts of the model panels and Head-to-Head (models untrained in the session
    build; Head-to-Head's CSV reads the request's page path)."""
    from dashapp.pages import (
        head_to_head,
        models_anomalies,
        models_clusters,
        models_copilot,
        models_forecasts,
        models_genres,
    )
    return {"head_to_head": head_to_head.CHARTS, "clusters": models_clusters.CHARTS,
            "forecasts": models_forecasts.CHARTS, "copilot": models_copilot.CHARTS,
            "anomalies": {models_anomalies.SCATTER: models_anomalies.SCATTER_CHART},
            "models_genres": {models_genres.LABELS: models_genres.LABELS_CHART}}


def test_every_spec_makes_its_card_callback_and_csv(served_app):
    import json
    import urllib.request

    from dashapp.components.chart import _CSV_SOURCES, graph_id, insights_id
    from queries.filters import Filters
    with urllib.request.urlopen(served_app + "/_dash-dependencies", timeout=30) as r:
        deps = json.loads(r.read())
    outputs = {o for dep in deps for o in dep["output"].strip(".").split("...")}
    warehouse_charts = {c for charts in _pages().values() for c in charts}
    for charts in [*_pages().values(), *_model_and_state_pages().values()]:
        for chart_id, spec in charts.items():
            assert spec.id == chart_id
            card = str(spec.card().to_plotly_json())
            assert graph_id(chart_id) in card and spec.how_to_read[:40] in card, chart_id
            assert f"{graph_id(chart_id)}.figure" in outputs, chart_id
            assert f"{insights_id(chart_id)}.children" in outputs, chart_id
            assert all(f"{o.component_id}.{o.component_property}" in outputs
                       for o, _ in spec.beside), chart_id
            assert chart_id in _CSV_SOURCES, chart_id
            if chart_id in warehouse_charts:
                assert _CSV_SOURCES[chart_id](Filters()).height > 0, chart_id


def test_beside_outputs_and_charts_without_the_filters():
    import plotly.graph_objects as go
    import polars as pl
    from dash import Input, Output

    from dashapp.components.chart_spec import Chart, ChartCallback, register_charts
    from queries.db import QueryTimeout

    def counted(n):
        return pl.DataFrame({"n": [n]})
    spec = Chart("t-count", counted, lambda f, n: go.Figure(), lambda f, n: [f"n = {n}"],
                 "how", filtered=False, inputs=(Input("t-n", "value"),),
                 beside=((Output("t-side", "children"), lambda f, n: f"side of {n}"),),
                 csv=lambda _filters: pl.DataFrame())
    fig, insights, side = ChartCallback((spec,))(3)   # no filters store: the value alone
    assert insights[0].children == "n = 3" and side == "side of 3"

    def stopped(n):
        raise QueryTimeout("query stopped after 2 s")
    fig, insights, side = ChartCallback((Chart(
        "t-stopped", stopped, spec.figure, spec.insights, "how", filtered=False,
        title=lambda n: f"Count {n}", beside=spec.beside),))(3)
    assert fig.layout.annotations[0].text == "query stopped after 2 s"
    assert fig.layout.title.text.startswith("Count 3")
    assert "query stopped after 2 s" in str(side.to_plotly_json())   # the beside output too
    with pytest.raises(ValueError, match="csv"):  # no filters → no default CSV to give
        register_charts(Chart("t-nocsv", counted, spec.figure, spec.insights, "how",
                              filtered=False, inputs=spec.inputs))


def test_charts_sharing_a_query_share_one_callback(served_app):
    from dashapp.pages import market, universe
    assert universe.CALLBACKS[universe.MAP] is universe.CALLBACKS[universe.COUNTRIES]
    assert market.CALLBACKS[market.SATURATION] is market.CALLBACKS[market.SHARE]
    assert universe.CALLBACKS[universe.GENRES] is not universe.CALLBACKS[universe.RATINGS]
    map_fig, map_insights, bar_fig, bar_insights = universe.update_countries(None)
    assert map_fig.data[0].type == "choropleth" and map_insights
    assert bar_fig.data and bar_insights


def test_errors_show_in_the_card_not_as_a_server_error(tmp_path):
    from base.errors import WarehouseMissing
    from dashapp.components import model_status
    from dashapp.components.chart_spec import Chart, ChartCallback
    from dashapp.figures import universe as figs
    from models.artifacts import ModelMissing
    from queries import universe
    from queries.db import BuildOutdated, QueryTimeout, Warehouse

    nowhere = Warehouse(tmp_path)  # a data dir with nothing published: the real error
    spec = Chart("t-genres", lambda f: universe.top_genres(nowhere, f), figs.top_genres,
                 figs.genres_insights, "how", title="Top categories")
    fig, insights = ChartCallback((spec,))(None)
    assert "no warehouse published" in fig.layout.annotations[0].text
    assert fig.layout.title.text.startswith("Top categories")
    assert "no warehouse published" in insights[0].children
    with pytest.raises(WarehouseMissing):
        universe.top_genres(nowhere)

    def stopped(_filters):
        raise QueryTimeout("query stopped after 5 s")
    fig, insights = ChartCallback((Chart("t", stopped, figs.top_genres, figs.genres_insights,
                                         "how"),))(None)
    assert fig.layout.annotations[0].text == "query stopped after 5 s"

    def untrained(_filters):
        raise ModelMissing("no model 'genres' for this build")
    fig, insights = ChartCallback((Chart("t", untrained, figs.top_genres,
                                         figs.genres_insights, "how"),))(None)
    assert fig.layout.annotations[0].text == model_status.NOT_TRAINED and insights == []

    def outdated(_filters):
        raise BuildOutdated("the published warehouse was built by an older version and "
                            "lacks titles.title_no: run `netflix-insights refresh`")
    fig, insights = ChartCallback((Chart("t", outdated, figs.top_genres, figs.genres_insights,
                                         "how"),))(None)
    lines = fig.layout.annotations[0].text.split("<br>")  # wrapped, not cut off at the edges
    assert len(lines) > 1 and max(map(len, lines)) <= 60
    assert " ".join(lines) == insights[0].children and "refresh" in lines[-1]

    def bug(_filters):
        raise KeyError("a bug is not a user error")
    with pytest.raises(KeyError):  # bugs still surface (logged by the server)
        ChartCallback((Chart("t", bug, figs.top_genres, figs.genres_insights, "how"),))(None)


def test_page_scope_gives_the_same_results_and_filters_once(built_data_dir):
    """Every Universe query under a filter: through the page scope (one selection, then
    the temp table) equals the same SQL filtering on its own."""
    from datetime import date

    from queries import catalog, universe
    from queries.db import Warehouse, sql_text
    from queries.filters import Filters
    scoped, plain = Warehouse(built_data_dir), Warehouse(built_data_dir)
    for f in (Filters(genres=("Dramas",), kinds=("movie",)),
              Filters(countries=("India",), added_from=date(2018, 1, 1)),
              Filters(countries=("No such country",), ratings=("TV-MA",))):
        extra = {"universe_top_genres": {"limit": 15}, "universe_top_titles": {"limit": 12},
                 "universe_top_people": {"role": "actor", "limit": 15},
                 "universe_quality_popularity": {"limit": 400}}
        for name in universe.SCOPE.queries:
            params = {**extra.get(name, {}), **f.params()}
            got = scoped.query(name, scope=universe.SCOPE, **params)
            build = plain._acquire()
            want = plain._execute(build, sql_text(name), params)
            plain._release(build)
            assert got.equals(want), (name, f)
        kpis = catalog.catalog_kpis(scoped, f, universe.SCOPE)
        assert kpis == catalog.catalog_kpis(plain, f)
    build = scoped._build
    assert len(build.scopes) == 3  # one selection per filter value, not one per query
    universe.top_genres(scoped, Filters(kinds=("show",), year_from=2000))
    assert len(build.scopes) == 3  # cheap scalar filters filter per chart (no copy)
    # the scope holds only the columns its queries name, not every column of titles
    con = next(iter(build.scopes.values())).con
    columns = [r[0] for r in con.sql("describe page_scope").fetchall()]
    assert "genres" in columns and "description" not in columns
    scoped.close()
    plain.close()


def _layout_value(component, component_id: str, prop: str):
    """The value of `prop` on the component `component_id` in a page layout tree."""
    if getattr(component, "id", None) == component_id:
        return getattr(component, prop, None)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            found = _layout_value(child, component_id, prop)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize("filters", [{}, {"kinds": ["movie"], "genres": ["TV Dramas"]}],
                         ids=["all titles", "no title"])
def test_every_chart_draws_a_figure_plotly_accepts(served_app, filters):
    """Figures are built as plain JSON (dashapp/figures/base.py Figure), so plotly's
    validation runs here instead of on every request: each chart's figure, drawn on the
    session's build with its page's default control values, is a valid plotly figure
    (go.Figure raises on a property plotly does not know), and what Dash sends is what
    the validated figure would send (validation expands shorthands such as a string
    colorbar title, which plotly.js takes as written)."""
    import json

    import dash
    import plotly.graph_objects as go
    from dash._utils import to_json

    from dashapp.components.chart_spec import ChartCallback
    from queries.filters import Filters
    layouts = {p["module"].rsplit(".", 1)[1]: p["layout"]() for p in
               dash.page_registry.values()}
    store = Filters.from_store(filters).to_store()
    for page, charts in _pages().items():
        for chart_id, spec in charts.items():
            values = [_layout_value(layouts[page], i.component_id, i.component_property)
                      for i in spec.inputs]
            outputs = ChartCallback((spec,))(store, *values)
            fig = outputs[0]
            sent = json.loads(to_json(fig))
            assert sent == json.loads(to_json(go.Figure(fig))), chart_id
            assert sent["layout"]["title"]["text"], chart_id


def test_a_chart_must_name_its_title_for_its_error_state():
    """A chart drawn from data titles itself in its figure function; its error state has
    no data, so register_charts refuses a spec without title= (every page's charts pass
    it: importing the app registers them all)."""
    from dashapp.components.chart_spec import Chart, register_charts
    from dashapp.figures import universe as figs
    untitled = Chart("t-untitled", lambda f: None, figs.top_genres, figs.genres_insights, "how")
    with pytest.raises(ValueError, match="t-untitled: a chart names its title"):
        register_charts(untitled)


def test_universe_cards_keep_their_titles_in_an_error_state(tmp_path, monkeypatch):
    from base.errors import WarehouseMissing
    from dashapp.pages import universe as page
    from dashapp.figures import universe as figs

    def missing(*_args, **_kwargs):
        raise WarehouseMissing("no warehouse published yet")
    monkeypatch.setattr(page.universe, "top_people", missing)
    fig, insights = page.CALLBACKS[page.ACTORS](None)
    assert fig.layout.title.text == figs.PEOPLE_TITLES["actor"]
    assert "no warehouse published" in fig.layout.annotations[0].text


def test_counts_and_names_read_as_sentences():
    from base.text import counted
    from dashapp.figures.base import names_joined
    assert [counted(n, "title") for n in (0, 1, 2, 2417)] == \
        ["0 titles", "1 title", "2 titles", "2,417 titles"]
    assert counted(1, "binge session") == "1 binge session"
    assert counted(3, "person", "people") == "3 people"
    assert [names_joined(n) for n in ([], ["Alex"], ["Alex", "Robin"],
                                      ["Alex", "Robin", "Sam", "Kim"])] == \
        ["", "Alex", "Alex & Robin", "Alex, Robin, Sam & Kim"]


def test_log_axes_are_labelled_with_whole_numbers():
    import polars as pl
    from dashapp.figures.base import log_axis
    narrow = log_axis(pl.Series([55.0, 4000.0]))
    assert narrow["type"] == "log" and narrow["ticktext"][:4] == ["10", "20", "50", "100"]
    assert "1,000" in narrow["ticktext"] and "2,000" in narrow["ticktext"]
    wide = log_axis(pl.Series([0.6, 3000.0]))
    assert wide["ticktext"][:3] == ["0.1", "0.3", "1"] and "3,000" in wide["ticktext"]
    assert log_axis(pl.Series([5, 2_000_000]))["ticktext"][-1] == "10,000,000"
    assert log_axis(pl.Series([0.0, -1.0])) == {"type": "log"}


def test_no_chart_offers_to_upload_its_data():
    """Plotly 3's modebar has "Share chart...", which uploads the figure to Plotly Cloud."""
    from dashapp.components.chart import GRAPH_CONFIG
    assert "sendChartToCloud" in GRAPH_CONFIG["modeBarButtonsToRemove"]
    assert GRAPH_CONFIG["displaylogo"] is False
