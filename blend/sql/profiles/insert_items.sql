-- grain: one row per distinct item of the parsed file (new_items is the parser's frame)
insert into profile_items
select $profile_id, item_key, item_name, show_id, kind, is_episode, episodes,
       first_watched, last_watched, match_method, match_score, false
from new_items
