"""Component ids shared across modules (page-local ids are prefixed by the page)."""
URL = "url"
MAIN = "main-content"          # <main>: the skip link's target
FILTERS_STORE = "filters-store"
PAGE_DRAWN = "page-drawn"      # the path the shown page content was drawn for
FILTER_TYPE = "filter-type"
FILTER_RELEASE = "filter-release"
FILTER_ADDED = "filter-added"
FILTER_GENRES = "filter-genres"
FILTER_COUNTRIES = "filter-countries"
FILTER_RATINGS = "filter-ratings"
FILTER_RESET = "filter-reset"
FILTER_SUMMARY = "filter-summary"
FILTER_TOGGLE = "filter-toggle"    # phones: shows or hides the controls (assets/fold_toggles.js)
FILTER_FIELDS = "filter-fields"
NAV_TOGGLE = "nav-toggle"        # phones: shows or hides the page links (assets/fold_toggles.js)
NAV_LINKS = "nav-links"
NAV_LINK = "nav-link"          # pattern id: {"type": NAV_LINK, "page": <module>}
CSV_BUTTON = "csv-button"      # pattern id: {"type": CSV_BUTTON, "chart": <chart id>}
CSV_DOWNLOAD = "csv-download"  # pattern id: {"type": CSV_DOWNLOAD, "chart": <chart id>}
FILTER_BAR_WRAP = "filter-bar-wrap"  # hidden on pages registered with filters=False
BLEND_KEYS = "blend-keys"      # local storage: {profile_id: edit key} of this browser
BLEND_MINE = "blend-mine"      # local storage: {blend_id: label} started in this browser
BLEND_ID = "blend-id"          # the Blend view's blend (from its URL)
BLEND_VERSION = "blend-version"  # bumped when members change (upload, rename, delete)
BLEND_CONTENT = "blend-content"  # bumped when what the group sees changes (hide)
CHART_TABLE = "chart-table"    # pattern id: {"type": CHART_TABLE, "chart": <chart id>}
CHART_TABLE_BOX = "chart-table-box"  # the <details> that shows it
