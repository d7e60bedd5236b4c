-- grain: one row per kept file row of the profiles asked for, hidden items left out
select v.profile_id, v.item_key, v.watched_on, v.item_name, v.season, v.episode,
       v.is_episode, v.show_id
from profile_viewings as v
join profile_items as i using (profile_id, item_key)
where list_contains($profile_ids, v.profile_id) and not i.hidden
order by v.profile_id, v.watched_on desc, v.row_number
