"""Component ids shared across modules (page-local ids are prefixed by the page)."""
URL = "url"
FILTERS_STORE = "filters-store"
FILTER_TYPE = "filter-type"
FILTER_RELEASE = "filter-release"
FILTER_ADDED = "filter-added"
FILTER_GENRES = "filter-genres"
FILTER_COUNTRIES = "filter-countries"
FILTER_RATINGS = "filter-ratings"
FILTER_RESET = "filter-reset"
FILTER_SUMMARY = "filter-summary"
NAV_LINK = "nav-link"          # pattern id: {"type": NAV_LINK, "page": <module>}
CSV_BUTTON = "csv-button"      # pattern id: {"type": CSV_BUTTON, "chart": <chart id>}
CSV_DOWNLOAD = "csv-download"  # pattern id: {"type": CSV_DOWNLOAD, "chart": <chart id>}
