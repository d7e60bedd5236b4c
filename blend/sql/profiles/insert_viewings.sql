insert into profile_viewings
select $profile_id, item_key, row_number, watched_on, item_name, season, episode,
       is_episode, show_id
from new_viewings
