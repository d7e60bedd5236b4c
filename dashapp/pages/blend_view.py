"""One blend (/blend/<blend_id>): its members, a shared list, and 'your viewing'.

The link is the blend: whoever opens it can add their history. `VERSION` (a counter in
the page) changes after every upload, rename, hide or delete, and every panel
re-reads the profiles database when it changes.
"""
from __future__ import annotations

from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
import polars as pl

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from base.errors import WarehouseMissing
from blend import service as blend_service
from blend.profiles import store
from dashapp import ids, security
from dashapp.figures import blend as figs
from dashapp.figures.base import names_joined
from dashapp.pages import _blend_panels as panels
from dashapp.pages import _blend_parts as parts
from dashapp.state import wh
from queries import validation

dash.register_page(__name__, path_template="/blend/<blend_id>", name="Blend view", order=7,
                   nav=False, filters=False, title="Blend · Netflix Content Insights")

BLEND_ID, VERSION, CONTENT = ids.BLEND_ID, ids.BLEND_VERSION, ids.BLEND_CONTENT
HEADER, MEMBERS, ADD = "blend-header", "blend-members", "blend-add"
ACTION_STATUS = "blend-action-status"


def layout(blend_id: str | None = None, **_query) -> html.Div:
    # The configured public address, never the request's Host header (which a client
    # sets: `Host: evil.example` made links to evil.example).
    share = f"{security.public_base_url()}/blend/{quote(str(blend_id or ''), safe='')}"
    return html.Div([
        dcc.Store(id=BLEND_ID, data=blend_id), dcc.Store(id=VERSION, data=0),
        dcc.Store(id=CONTENT, data=0),
        html.Div(id=HEADER, children=html.H2("Blend")),
        dbc.InputGroup([
            dbc.InputGroupText(html.Label("Share this link", htmlFor="blend-share-url",
                                          className="mb-0")),
            dbc.Input(id="blend-share-url", value=share, readonly=True),
            dbc.InputGroupText(dcc.Clipboard(target_id="blend-share-url",
                                             title="Copy the link")),
        ], size="sm", className="mb-3"),
        html.Div(id=ACTION_STATUS, role="status", **{"aria-live": "polite"}),
        dbc.Row(id=MEMBERS),
        dbc.Card(dbc.CardBody([html.H5("Add a person to this blend"),
                               parts.upload_form(ADD, "Upload their history")]),
                 className="mb-3"),
        dbc.Tabs([
            dbc.Tab(panels.recommendations_panel(), label="What to watch together",
                    tab_id="recs"),
            dbc.Tab(panels.insights_panel(), label="Your viewing", tab_id="viewing"),
        ], active_tab="recs", className="mb-3"),
    ])


@callback(Output(HEADER, "children"), Output(MEMBERS, "children"),
          Output(panels.FOR_WHOM, "options"), Output(panels.FOR_WHOM, "value"),
          Input(VERSION, "data"), Input(BLEND_ID, "data"), State(parts.KEYS, "data"),
          State(panels.FOR_WHOM, "value"))
def show_members(_version, blend_id, keys, for_whom):
    """Header and one card per member; owner controls where this browser has the key."""
    blend_id = parts.blend_id_of(blend_id)
    keys = parts.browser_map(keys, "keys")
    data = blend_service.load_blend(wh().paths.data_dir, blend_id, with_viewings=False)
    if data is None:
        return (html.H2("Blend not found"),
                dbc.Col(dbc.Alert(["This blend does not exist or was deleted. ",
                                   dcc.Link("Start a new blend", href="/blend"), "."],
                                  color="warning")), [], None)
    colours = figs.colours(data.people)
    editable = store(wh().paths.data_dir).editable(keys)  # keys checked, not just present
    cards = [parts.member_card(m, p, colours[p], m.profile_id in editable,
                               data.all_items.filter(pl.col("profile_id") == m.profile_id)
                               .to_dicts())
             for m, p in zip(data.members, data.people)]
    if not cards:
        cards = [dbc.Col(dbc.Alert("Nobody is in this blend yet: upload a viewing "
                                   "history below.", color="info"))]
    title = names_joined(list(data.people)) or "an empty blend"
    options = [{"label": "Everyone together", "value": panels.EVERYONE}] + \
        [{"label": f"{p} only (for you)", "value": p} for p in data.people]
    keep = validation.choice(for_whom, [o["value"] for o in options], panels.EVERYONE)
    return html.H2(f"Blend: {title}"), cards, options, keep


@callback(Output(f"{ADD}-status", "children"), Output(parts.KEYS, "data", allow_duplicate=True),
          Output(VERSION, "data", allow_duplicate=True), Output(f"{ADD}-upload", "contents"),
          Output(f"{ADD}-name", "value"), Output(f"{ADD}-profile", "options"),
          Output(f"{ADD}-profile-box", "hidden"), Input(f"{ADD}-upload", "contents"),
          Input(f"{ADD}-profile", "value"), State(f"{ADD}-upload", "filename"),
          State(f"{ADD}-name", "value"), State(BLEND_ID, "data"), State(parts.KEYS, "data"),
          State(VERSION, "data"), prevent_initial_call=True)
def add_person(contents, profile, filename, name, blend_id, keys, version):
    if not contents:
        return (no_update,) * 7
    keys, version = parts.browser_map(keys, "keys"), parts.counter(version, "version")
    blend_id = parts.blend_id_of(blend_id)
    try:
        upload = parts.add_uploaded_person(wh(), blend_id, contents, profile,
                                           filename, name)
        choice, added = upload.choice, upload.added
        if choice.ask:
            return (dbc.Alert(choice.ask, color="info"), no_update, no_update, no_update,
                    no_update, choice.options, False)
    except (*blend_service.UploadError, WarehouseMissing) as exc:
        return dbc.Alert(str(exc), color="warning"), no_update, no_update, None, no_update, [], True
    return (dbc.Alert(added.message, color="success"),
            {**keys, added.profile_id: added.edit_key}, version + 1, None, "",
            [], True)


@callback(Output(ACTION_STATUS, "children"), Output(VERSION, "data", allow_duplicate=True),
          Output(CONTENT, "data", allow_duplicate=True),
          Input({"type": parts.RENAME_BUTTON, "profile": ALL}, "n_clicks"),
          Input({"type": parts.HIDE, "profile": ALL}, "value"),
          Input({"type": parts.DELETE, "profile": ALL}, "submit_n_clicks"),
          State({"type": parts.RENAME_INPUT, "profile": ALL}, "value"),
          State({"type": parts.RENAME_INPUT, "profile": ALL}, "id"),
          State(parts.KEYS, "data"), State(VERSION, "data"), State(CONTENT, "data"),
          prevent_initial_call=True)
def profile_action(_renames, _hidden, _deletes, names, name_ids, keys, version, content):
    """Rename, hide titles or delete: the store checks this browser's edit key. Hiding
    refreshes what the group sees, not the cards (the owner's panel stays open)."""
    # cards re-rendering insert these inputs and fire the callback with all of them
    # triggered at once; a user action triggers exactly one
    if len(ctx.triggered) != 1 or not ctx.triggered_id:
        return no_update, no_update, no_update
    keys, version = parts.browser_map(keys, "keys"), parts.counter(version, "version")
    content = parts.counter(content, "content")
    if not isinstance(names, list) or not isinstance(name_ids, list) or len(names) != len(
            name_ids) or not all(isinstance(i, dict) and isinstance(i.get("profile"), str)
                                 for i in name_ids):
        raise validation.BadInput("rename inputs: expected one name per profile")
    trigger, value = ctx.triggered_id, ctx.triggered[0]["value"]
    if not isinstance(trigger, dict) or not isinstance(trigger.get("profile"), str):
        raise validation.BadInput("expected a profile's control")
    if trigger["type"] != parts.HIDE and not value:
        return no_update, no_update, no_update
    names_by_id = dict(zip([i["profile"] for i in name_ids], names))
    try:
        result = blend_service.profile_action(
            wh().paths.data_dir, trigger["type"], trigger["profile"],
            keys.get(trigger["profile"]), value, names_by_id.get(trigger["profile"]))
    except blend_service.UploadError as exc:
        return dbc.Alert(str(exc), color="warning"), no_update, no_update
    if result is None:
        return no_update, no_update, no_update
    alert = dbc.Alert(result, color="success", duration=6000)
    if trigger["type"] == parts.HIDE:
        return alert, no_update, content + 1
    return alert, version + 1, no_update
