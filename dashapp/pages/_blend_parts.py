"""Building blocks of the Blend pages: the upload form, member cards, the list.

Everything a user uploaded is rendered as text children (Dash escapes it), never as
markdown or HTML, so a title like `<img onerror=…>` stays a string.
"""
from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from base.text import counted
from blend.profiles import MAX_NAME, Profile
from blend.recommender import Recommendation
from blend import service as blend_service
from blend.service import max_upload_bytes
from dashapp import ids
from queries import validation

KEYS, MINE = ids.BLEND_KEYS, ids.BLEND_MINE
MAX_STORED = 200  # blends or profiles one browser remembers


def browser_map(value, name: str) -> dict[str, str]:
    """A browser store of id → text (edit keys, blends started here), checked before
    anything is stored: a malformed one is a 400, not a profile stored and then a
    reply that fails (which left a profile nobody held the key of)."""
    value = validation.mapping(value, name)
    if len(value) > MAX_STORED or not all(
            isinstance(k, str) and len(k) <= 100 and isinstance(v, str) and len(v) <= 200
            for k, v in value.items()):
        raise validation.BadInput(f"{name}: expected at most {MAX_STORED} short texts")
    return value


def blend_id_of(value) -> str:
    """The Blend view's blend id (its URL's store), checked before any query: a
    crafted number or list is a 400, not a failed lookup."""
    return validation.text(value, "blend id", max_len=100, optional=False)


def counter(value, name: str) -> int:
    """A version counter store (0 when unset)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise validation.BadInput(f"{name}: expected a small count")
    return value
# pattern-id types; queries/blend_service.profile_action dispatches on them
RENAME_INPUT, RENAME_BUTTON = "blend-rename-input", "blend-rename-button"
HIDE, DELETE = "blend-hide", "blend-delete"
UNMATCHED_SHOWN = 30
RATINGS = ["TV-Y", "TV-Y7", "TV-Y7-FV", "G", "TV-G", "PG", "TV-PG", "PG-13", "TV-14", "R",
           "TV-MA", "NC-17", "NR", "UR"]


def upload_form(prefix: str, button_text: str) -> html.Div:
    """Name field + upload box; the size limit is shown because Dash drops an
    oversize file silently in the browser (assets/upload_size.js says so when it does)."""
    limit_mb = max_upload_bytes() / 1e6
    return html.Div([
        dbc.Label("Whose history is this? (optional)", html_for=f"{prefix}-name"),
        dbc.Input(id=f"{prefix}-name", placeholder="Name shown to the group, e.g. Ana",
                  maxLength=MAX_NAME, className="mb-2"),
        html.Div([
            dcc.Upload(id=f"{prefix}-upload", accept=".csv,.zip,text/csv,application/zip",
                       multiple=False, max_size=max_upload_bytes(), className="blend-upload",
                       children=html.Div([
                           html.Strong(button_text), html.Br(),
                           html.Small(f"Drop NetflixViewingHistory.csv, ViewingActivity.csv "
                                      f"or the zip Netflix sent here, or click to choose it: "
                                      f"up to {limit_mb:.0f} MB (a larger file is not read).",
                                      className="text-muted")])),
            html.Div(id=f"{prefix}-too-big", className="upload-too-big text-warning small mt-1",
                     role="alert")],
            **{"data-max-bytes": str(max_upload_bytes())}),
        # shown when a full account download holds several profiles: whose to add
        html.Div([dbc.Label("Which profile of this household?", html_for=f"{prefix}-profile"),
                  dcc.Dropdown(id=f"{prefix}-profile", options=[], clearable=False,
                               placeholder="Choose a profile")],
                 id=f"{prefix}-profile-box", hidden=True, className="mt-2"),
        dcc.Loading(html.Div(id=f"{prefix}-status", className="mt-2", role="status",
                             **{"aria-live": "polite"}), type="dot", color="#E50914"),
    ])


@dataclass(frozen=True)
class ProfileChoice:
    profile: str | None          # whose history to add (None: the file has one)
    ask: str | None = None       # set: ask the user to pick from `options` first
    options: tuple = ()


def profile_choice(contents: str, profile: str | None) -> ProfileChoice:
    """Whether an upload needs a profile picked first (a household download with
    several profiles and none, or another file's, chosen)."""
    profiles = blend_service.upload_profiles(contents)
    if len(profiles) <= 1 or profile in profiles:
        return ProfileChoice(profile if profile in profiles else None)
    return ProfileChoice(None, f"This household download holds {len(profiles)} profiles: "
                         "choose whose history to add (upload it again for another).",
                         tuple({"label": p, "value": p} for p in profiles))


@dataclass(frozen=True)
class Upload:
    choice: ProfileChoice                 # `ask` set: nothing stored, a profile to pick
    added: blend_service.Added | None
    label: str                            # the name typed, else the profile's, else ""


def add_uploaded_person(wh, blend_id: str | None, contents: str, profile, filename,
                        name) -> Upload:
    """The upload form's action on either Blend page: check what the browser sent, then
    ask whose history to add (a household download) or store it (`blend_id` None: a
    new blend). Raises blend_service.UploadError (or WarehouseMissing) for the user."""
    name = validation.text(name, "name", max_len=1000)
    filename = validation.text(filename, "file name", max_len=1000)
    choice = profile_choice(contents, validation.text(profile, "profile", max_len=1000))
    label = (name or choice.profile or "").strip()
    if choice.ask:
        return Upload(choice, None, label)
    return Upload(choice, blend_service.add_person(wh.paths.data_dir, wh, blend_id, name,
                                                   contents, filename, profile=choice.profile),
                  label)


def how_to_get_file() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H5("Get your viewing history"),
        html.Ol([
            html.Li(["On netflix.com open Account → Profiles → your profile → ",
                     html.Em("Viewing activity"), "."]),
            html.Li(["At the bottom of the list click ", html.Em("Download all"), ": you get ",
                     html.Code("NetflixViewingHistory.csv"), " (columns Title, Date)."]),
            html.Li("Upload it here as Netflix wrote it: every date order and the date formats "
                    "of most account languages are read; a date that cannot be is named "
                    "with its line."),
        ]),
        html.P(["Or the whole household: Netflix's ", html.Em("Download your personal "
                "information"), " sends a zip whose ", html.Code("ViewingActivity.csv"),
                " holds every profile, with how long each title was watched; upload the "
                "zip or that file and pick a profile."], className="small"),
        html.P("Titles are matched offline to the 2021 catalog (8,800 titles, English "
               "names, and the titles' names in other languages when the warehouse was "
               "built with IMDb's dataset files): titles added later, and some localized "
               "names, cannot be matched; each profile lists what was not.",
               className="small mb-0"),
    ]), id="blend-how-to", className="h-100")


def privacy_note() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H5("What is stored"),
        html.P("Your file's rows (title and date) in this server's profiles database, under "
               "a random id. Anyone with the blend's link sees the group's insights and "
               "titles; only this browser can rename your profile, hide titles from it or "
               "delete it. Deleting removes every row of it.", className="small mb-0"),
    ]), className="h-100")


def member_card(profile: Profile, person: str, colour: str, editable: bool,
                items: list[dict]) -> dbc.Col:
    """One person: file summary, match rate, unmatched titles; owner controls."""
    unmatched = [i["item_name"] for i in items if i["show_id"] is None and not i["hidden"]]
    body = [
        html.H5(person, style={"borderLeft": f"6px solid {colour}", "paddingLeft": "8px"}),
        html.P([f"{profile.rows_read:,} rows, {profile.n_items:,} titles; "
                f"{profile.n_matched:,} found in the catalog ({profile.match_rate:.0%}).",
                html.Br(), _date_note(profile)], className="small mb-2"),
    ]
    kinds = [i["kind"] for i in items if i["show_id"] is not None and not i["hidden"]]
    body.append(html.P(f"Matched: {counted(kinds.count('movie'), 'film')}, "
                       f"{counted(kinds.count('show'), 'show')}.", className="small mb-2"))
    if profile.notes:   # the parser's notes: skipped rows, trailers left out, ...
        body.append(html.Ul([html.Li(n) for n in profile.notes.splitlines()],
                            className="small mb-2"))
    if unmatched:
        body.append(html.Details([
            html.Summary(f"{counted(len(unmatched), 'title')} not in the catalog"),
            html.Ul([html.Li(t) for t in unmatched[:UNMATCHED_SHOWN]], className="small"),
            html.Small(f"…and {len(unmatched) - UNMATCHED_SHOWN:,} more"
                       if len(unmatched) > UNMATCHED_SHOWN else "", className="text-muted"),
        ], className="small mb-2"))
    if editable:
        body.append(owner_controls(profile, items))
    return dbc.Col(dbc.Card(dbc.CardBody(body), className="h-100 member-card"),
                   md=6, lg=4, className="mb-3")


def _date_note(profile: Profile) -> str:
    order = {"month_first": "month/day/year", "day_first": "day/month/year",
             "iso": "year-month-day", "mixed": "mixed formats"}.get(profile.date_order,
                                                                     profile.date_order)
    note = f"Dates read as {order}"
    if profile.date_order_ambiguous:
        note += " (no day above 12 settled it; the file's newest-first order did)"
    if profile.duplicate_rows:
        note += f"; {profile.duplicate_rows:,} duplicate rows ignored"
    return note + "."


def owner_controls(profile: Profile, items: list[dict]) -> html.Details:
    pid = profile.profile_id
    return html.Details([
        html.Summary("Edit (only you see this)"),
        dbc.InputGroup([
            dbc.InputGroupText("Name"),
            dbc.Input(id={"type": RENAME_INPUT, "profile": pid}, value=profile.name,
                      maxLength=MAX_NAME, size="sm", placeholder="New name"),
            dbc.Button("Rename", id={"type": RENAME_BUTTON, "profile": pid}, size="sm",
                       color="light", outline=True),
        ], className="my-2"),
        dbc.Label("Hide titles from the group (insights and lists)", className="small"),
        dcc.Dropdown(id={"type": HIDE, "profile": pid}, multi=True,
                     options=[{"label": i["item_name"], "value": i["item_key"]} for i in items],
                     value=[i["item_key"] for i in items if i["hidden"]],
                     placeholder="Titles to keep private", className="mb-2"),
        dcc.ConfirmDialogProvider(
            dbc.Button("Delete my profile", color="danger", outline=True, size="sm"),
            id={"type": DELETE, "profile": pid},
            message="Delete this profile and every row of its history? This cannot be undone."),
    ], className="small")


def recommendation_list(recs: list[Recommendation], people: list[str]) -> html.Ol:
    return html.Ol([html.Li([
        html.Strong(r.title), html.Span(f" ({r.release_year or '?'}, "
                                        f"{'TV show' if r.kind == 'show' else 'movie'})"),
        html.Div(", ".join(r.genres[:4]), className="small text-muted"),
        html.Div(r.reason, className="small"),
        # labelled where it is read (the figures stood bare: "Alex: 0.68 · Robin: 0.62")
        html.Div("Fit to each taste (0–1): " + " · ".join(
            f"{p} {r.interest.get(p, 0):.2f}" for p in people if p in r.interest),
                 className="small text-muted",
                 title="Interest per person: similarity to what they watched, mixed with "
                       "how many households watch it; 0 to 1, higher suits them better"),
    ], className="mb-2") for r in recs], className="blend-list")
