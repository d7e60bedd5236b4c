-- grain: one row per item of the profiles asked for, hidden ones included (flagged);
-- names sort byte-wise (collate "C"), as in the embedded store
select profile_id, item_key, item_name, show_id, kind, is_episode, episodes,
       first_watched, last_watched, match_method, match_score, hidden,
       coalesce(watch_share, 1.0) as watch_share
from profile_items
where profile_id = any(%(profile_ids)s)
order by profile_id collate "C", episodes desc, last_watched desc, item_name collate "C"
