-- grain: one row per profile in the blend, oldest member first; the counts are of what
-- the group sees (hidden items left out) plus how many are hidden
with items as (
    select profile_id,
           count(*) filter (where not hidden) as n_items,
           count(show_id) filter (where not hidden) as n_matched,
           count(*) filter (where hidden) as n_hidden
    from profile_items
    group by profile_id
)

select p.profile_id, p.name, p.created_at, p.file_name, p.rows_read, p.duplicate_rows,
       p.date_order, p.date_order_ambiguous, p.build_id,
       coalesce(i.n_items, 0) as n_items, coalesce(i.n_matched, 0) as n_matched,
       coalesce(i.n_hidden, 0) as n_hidden
from blend_members as m
join profiles as p using (profile_id)
left join items as i using (profile_id)
where m.blend_id = $blend_id
order by m.joined_at, p.profile_id
