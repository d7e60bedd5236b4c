-- one row per Netflix title × matched source (imdb | tmdb_market)
select show_id, source, matched_key, match_method, match_confidence, year_gap
from staging.src_title_matches
