-- one row per Netflix catalog title (show_id), typed by etl/clean.py
select
    show_id, kind, title, description, directors_text, cast_text, countries_text,
    genres_text, date_added, release_year, maturity_rating, runtime_minutes, seasons
from staging.src_netflix_titles
