"""Models trained by refresh (a stage before publish) and loaded by the app.

A model is a module here that defines NAME, ORDER and train(con) (models/training.py
finds them); its SQL comes from models/sql through SQL."""
from base.sqlfiles import SqlFolder

SQL = SqlFolder.beside(__file__)
