-- grain: one row per item of the profiles asked for, hidden ones included (flagged):
-- the owner's controls list them; everything the group sees filters them out
select profile_id, item_key, item_name, show_id, kind, is_episode, episodes,
       first_watched, last_watched, match_method, match_score, hidden
from profile_items
where list_contains($profile_ids, profile_id)
order by profile_id, episodes desc, last_watched desc, item_name
