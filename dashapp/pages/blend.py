"""Blend, start page: upload a viewing history to start a blend, then share its link.

The blend itself (members, insights, the shared list) lives at /blend/<blend_id>
(blend_view.py); friends open that link and add their own history there.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from base.errors import WarehouseMissing
from blend import service as blend_service
from dashapp import ids
from dashapp.pages import _blend_parts as parts
from dashapp.state import wh

dash.register_page(__name__, path="/blend", name="Blend", order=6, filters=False,
                   title="Blend · Netflix Content Insights")

NEW = "blend-new"
MINE_LIST = "blend-mine-list"


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Blend"),
        html.P("Two viewing histories in, one shared list out: upload your Netflix "
               "viewing history, share the link with a friend, they add theirs, and you "
               "both get titles neither has seen that suit you both.", className="lead"),
        dbc.Row([
            dbc.Col(parts.how_to_get_file(), lg=4),
            dbc.Col(dbc.Card(dbc.CardBody([html.H5("Start a blend"),
                                           parts.upload_form(NEW, "Upload your history")]),
                             className="mb-3 h-100"), lg=4),
            dbc.Col(parts.privacy_note(), lg=4),
        ]),
        html.Div(id=MINE_LIST),
    ])


@callback(Output(f"{NEW}-status", "children"),
          Output(parts.KEYS, "data", allow_duplicate=True), Output(parts.MINE, "data"),
          Output(ids.URL, "pathname", allow_duplicate=True),
          Output(f"{NEW}-upload", "contents"),
          Input(f"{NEW}-upload", "contents"), State(f"{NEW}-upload", "filename"),
          State(f"{NEW}-name", "value"), State(parts.KEYS, "data"), State(parts.MINE, "data"),
          prevent_initial_call=True)
def start_blend(contents, filename, name, keys, mine):
    """Parse and store the file as a new blend's first member, then open the blend."""
    if not contents:
        return no_update, no_update, no_update, no_update, no_update
    try:
        added = blend_service.add_person(wh().paths.data_dir, wh(), None, name, contents,
                                         filename)
    except blend_service.UploadError as exc:
        return dbc.Alert(str(exc), color="warning"), no_update, no_update, no_update, None
    except WarehouseMissing as exc:
        return dbc.Alert(str(exc), color="danger"), no_update, no_update, no_update, None
    keys = {**(keys or {}), added.profile_id: added.edit_key}
    mine = {**(mine or {}), added.blend_id: (name or "").strip()}
    return (dbc.Alert(added.message, color="success"), keys, mine,
            f"/blend/{added.blend_id}", None)


@callback(Output(MINE_LIST, "children"), Input(parts.MINE, "data"))
def list_my_blends(mine):
    """Blends started in this browser, so a closed tab is not a lost blend."""
    if not mine:
        return None
    return dbc.Card(dbc.CardBody([
        html.H5("Blends started in this browser"),
        html.Ul([html.Li(dcc.Link(f"Blend started by {label or 'you'}",
                                  href=f"/blend/{blend_id}"))
                 for blend_id, label in mine.items()], className="mb-0"),
    ]), className="mb-3")
