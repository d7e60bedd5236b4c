"""Pure figure functions, one module per page: data in, Plotly figure out.

No queries and no state here. `base` holds the shared look (dark theme, titles with
units, empty states); colours come from dashapp.theme.
"""
