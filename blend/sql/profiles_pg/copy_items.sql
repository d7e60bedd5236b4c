-- grain: one row per distinct item of the parsed file, streamed with COPY
copy profile_items (profile_id, item_key, item_name, show_id, kind, is_episode, episodes,
                    first_watched, last_watched, match_method, match_score, watch_share)
from stdin
