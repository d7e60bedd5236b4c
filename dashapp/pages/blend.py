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
SAMPLE = "blend-sample"
MINE_LIST = "blend-mine-list"


def layout(**_query) -> html.Div:
    return html.Div([
        html.H2("Blend"),
        html.P("Two viewing histories in, one shared list out: upload your Netflix "
               "viewing history, share the link with a friend, they add theirs, and you "
               "both get titles neither has seen that suit you both.", className="lead"),
        # on a phone the columns stack: the upload comes first (it sat below a screen of
        # instructions), the how-to second; side by side from lg as they read. The
        # how-to has nothing to focus, so the tab order follows what is seen.
        dbc.Row([
            dbc.Col(parts.how_to_get_file(), lg=4),
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H5("Start a blend"), parts.upload_form(NEW, "Upload your history"),
                html.Hr(),
                html.P("No file at hand? See a blend of a made-up household first.",
                       className="small mb-1"),
                dbc.Button("Try it with a sample history", id=SAMPLE, color="light",
                           outline=True, size="sm"),
                dcc.Loading(html.Div(id=f"{SAMPLE}-status", className="mt-2", role="status",
                                     **{"aria-live": "polite"}), type="dot")]),
                className="h-100"), lg=4, className="order-first order-lg-0"),
            dbc.Col(parts.privacy_note(), lg=4),
        ], className="g-3 mb-3"),
        html.Div(id=MINE_LIST),
    ])


@callback(Output(f"{NEW}-status", "children"),
          Output(parts.KEYS, "data", allow_duplicate=True), Output(parts.MINE, "data"),
          Output(ids.URL, "pathname", allow_duplicate=True),
          Output(f"{NEW}-upload", "contents"), Output(f"{NEW}-profile", "options"),
          Output(f"{NEW}-profile-box", "hidden"),
          Input(f"{NEW}-upload", "contents"), Input(f"{NEW}-profile", "value"),
          State(f"{NEW}-upload", "filename"),
          State(f"{NEW}-name", "value"), State(parts.KEYS, "data"), State(parts.MINE, "data"),
          prevent_initial_call=True)
def start_blend(contents, profile, filename, name, keys, mine):
    """Parse and store the file as a new blend's first member, then open the blend. A
    full account download with several profiles first asks whose."""
    skip = (no_update,) * 7
    if not contents:
        return skip
    keys, mine = parts.browser_map(keys, "keys"), parts.browser_map(mine, "blends")
    try:
        upload = parts.add_uploaded_person(wh(), None, contents, profile, filename,
                                           name)
        choice, added = upload.choice, upload.added
        if choice.ask:
            return (dbc.Alert(choice.ask, color="info"), no_update, no_update, no_update,
                    no_update, choice.options, False)
    except blend_service.UploadError as exc:
        return (dbc.Alert(str(exc), color="warning"), no_update, no_update, no_update, None,
                [], True)
    except WarehouseMissing as exc:
        return (dbc.Alert(str(exc), color="danger"), no_update, no_update, no_update, None,
                [], True)
    keys = {**keys, added.profile_id: added.edit_key}
    mine = {**mine, added.blend_id: upload.label}
    return (dbc.Alert(added.message, color="success"), keys, mine,
            f"/blend/{added.blend_id}", None, [], True)


@callback(Output(f"{SAMPLE}-status", "children"),
          Output(parts.KEYS, "data", allow_duplicate=True),
          Output(parts.MINE, "data", allow_duplicate=True),
          Output(ids.URL, "pathname", allow_duplicate=True),
          Input(SAMPLE, "n_clicks"), State(parts.KEYS, "data"), State(parts.MINE, "data"),
          prevent_initial_call=True)
def try_sample(n_clicks, keys, mine):
    """A blend of the shipped sample household, opened like any other."""
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    keys, mine = parts.browser_map(keys, "keys"), parts.browser_map(mine, "blends")
    try:
        sample = blend_service.add_sample(wh().paths.data_dir, wh())
    except (*blend_service.UploadError, WarehouseMissing) as exc:
        return dbc.Alert(str(exc), color="warning"), no_update, no_update, no_update
    return (dbc.Alert(sample.message, color="success"), {**keys, **sample.edit_keys},
            {**mine, sample.blend_id: "the sample household"},
            f"/blend/{sample.blend_id}")


@callback(Output(MINE_LIST, "children"), Input(parts.MINE, "data"))
def list_my_blends(mine):
    """Blends started in this browser, so a closed tab is not a lost blend."""
    mine = parts.browser_map(mine, "blends")
    if not mine:
        return None
    return dbc.Card(dbc.CardBody([
        html.H5("Blends started in this browser"),
        html.Ul([html.Li(dcc.Link(f"Blend started by {label or 'you'}",
                                  href=f"/blend/{blend_id}"))
                 for blend_id, label in mine.items()], className="mb-0"),
    ]), className="mb-3")
