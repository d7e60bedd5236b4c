-- depends on: titles
-- title_people: one row per Netflix title × person × role (director or actor)
with people as (
    select * from staging.stg_netflix_title_people
),
final as (
    select p.show_id, p.person_name, p.role, p.position as billing_order, t.title_no
    from people as p
    left join titles as t using (show_id)
)
select * from final order by show_id, role, billing_order
