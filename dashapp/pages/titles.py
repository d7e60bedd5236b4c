"""Title Explorer: search, sort and page through the filtered catalog; one title's details.

Paging is server-side: each view runs two SQL queries (titles_count, titles_page with
LIMIT/OFFSET), so only one page of rows ever leaves the warehouse. The global filters
own the URL's query string; the selected title lives in the URL fragment
(`#title=s123`), so a title link is bookmarkable and back/forward moves between titles
without the filter callback ever seeing it. Sort and page live in a page-local
session store; the search box persists (session) when the page is left and opened again.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashapp import ids
from dashapp.pages import _titles_detail as detail
from dashapp.pages import _titles_table as table
from dashapp.state import wh
from queries import titles
from queries.filters import Filters

dash.register_page(__name__, path="/titles", name="Title Explorer", order=4,
                   title="Title Explorer · Netflix Content Insights")

VIEW = "titles-view"
BODY = "titles-body"
SUMMARY = "titles-summary"
PAGER = "titles-pager"
DETAIL = "titles-detail"


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Title Explorer"),
        dcc.Store(id=VIEW, storage_type="session"),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([controls(), html.Div(
                id=SUMMARY, className="small text-muted mb-2", **{"aria-live": "polite"}),
                dcc.Loading(html.Div(dbc.Table(
                    [html.Thead(table.header_row()), html.Tbody(id=BODY)],
                    hover=True, size="sm", className="titles-table mb-2"),
                    className="table-responsive"), type="dot", color="#E50914"),
                pager()])), lg=8, className="mb-3"),
            dbc.Col(dbc.Card(dbc.CardBody(detail.placeholder(), id=DETAIL),
                             className="titles-detail"), lg=4, className="mb-3"),
        ]),
    ])


def controls() -> dbc.Row:
    return dbc.Row([
        dbc.Col([html.Label("Search", htmlFor=table.SEARCH, className="small text-muted mb-1"),
                 dcc.Input(id=table.SEARCH, type="search", debounce=0.4, value="",
                           placeholder="Title, description, director or cast member",
                           maxLength=titles.MAX_SEARCH, persistence=True,
                           persistence_type="session", className="form-control")], md=9),
        dbc.Col([html.Label("Rows per page", htmlFor=table.PAGE_SIZE,
                            className="small text-muted mb-1"),
                 dcc.Dropdown(id=table.PAGE_SIZE, clearable=False, searchable=False,
                              options=list(titles.PAGE_SIZES), value=titles.PAGE_SIZES[0],
                              persistence=True, persistence_type="session")], md=3),
    ], className="g-2 mb-2")


def pager() -> html.Div:
    def button(label, id_, title):
        return dbc.Button(label, id=id_, size="sm", color="light", outline=True,
                          className="me-1", title=title)
    return html.Div([
        button("« First", table.FIRST, "First page"),
        button("‹ Prev", table.PREV, "Previous page"),
        html.Span(id=PAGER, className="mx-2 small"),
        button("Next ›", table.NEXT, "Next page"), button("Last »", table.LAST, "Last page"),
        html.Label("Go to page", htmlFor=table.GOTO, className="small text-muted ms-3 me-1"),
        dcc.Input(id=table.GOTO, type="number", min=1, step=1, debounce=True,
                  className="form-control form-control-sm goto-input"),
    ], className="d-flex align-items-center flex-wrap")


@callback(
    Output(VIEW, "data"), Output(BODY, "children"), Output(SUMMARY, "children"),
    Output(PAGER, "children"), Output({"type": table.SORT, "col": ALL}, "children"),
    Output(table.FIRST, "disabled"), Output(table.PREV, "disabled"),
    Output(table.NEXT, "disabled"), Output(table.LAST, "disabled"),
    Input(ids.FILTERS_STORE, "data"), Input(table.SEARCH, "value"),
    Input(table.PAGE_SIZE, "value"), Input({"type": table.SORT, "col": ALL}, "n_clicks"),
    Input(table.FIRST, "n_clicks"), Input(table.PREV, "n_clicks"),
    Input(table.NEXT, "n_clicks"), Input(table.LAST, "n_clicks"), Input(table.GOTO, "value"),
    State(VIEW, "data"), State(ids.URL, "hash"))
def update_table(store, search, page_size, _sorts, _first, _prev, _next, _last, goto,
                 view, hash_):
    """Filters, search, sort or pager changed → one count and one page query."""
    return render_table(ctx.triggered_id, store, search, page_size, goto, view, hash_)


def render_table(trigger, store, search, page_size, goto, view, hash_) -> tuple:
    """The table callback's outputs, as a plain function (tests call it directly)."""
    context = table.context_key(store, search, page_size)
    view = table.next_view(view, trigger, context, goto)
    sort = table.shown_sort(view, search)
    page = titles.titles_page(wh(), Filters.from_store(store), search, sort,
                              None if sort == titles.BEST_MATCH else view["descending"],
                              view["page"], page_size)
    view["page"] = page.page
    first, last = page.page <= 1, page.page >= page.pages
    return (view, table.body_rows(page, table.selected_id(hash_)),
            table.summary_text(page, sort), table.pager_text(page),
            table.header_labels({**view, "sort": sort}), first, first, last, last)


@callback(Output(DETAIL, "children"), Input(ids.URL, "hash"))
def show_detail(hash_):
    """The title named in the URL fragment (#title=s123), or the placeholder."""
    return detail.detail_panel(wh(), table.selected_id(hash_))


@callback(Output({"type": table.ROW, "show_id": ALL}, "className"), Input(ids.URL, "hash"),
          State({"type": table.ROW, "show_id": ALL}, "id"), prevent_initial_call=True)
def highlight_row(hash_, row_ids):
    """Mark the selected row without re-querying the page."""
    selected = table.selected_id(hash_)
    return [table.row_class(r["show_id"] == selected) for r in row_ids]
