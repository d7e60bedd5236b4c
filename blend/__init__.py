"""The Blend: viewing histories in, one shared list out.

Upload parsing and title matching, the profiles store and its SQL, the recommender
and its explanations, the offline evaluation, and one service the pages call. It reads
the warehouse through queries/ and the trained title space through models/; it never
imports the dashboard."""
from base.sqlfiles import SqlFolder

SQL = SqlFolder.beside(__file__)
