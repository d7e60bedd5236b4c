-- title_people: one row per Netflix title × person × role (director or actor)
with people as (
    select * from staging.stg_netflix_title_people
),
final as (
    select show_id, person_name, role, position as billing_order
    from people
)
select * from final order by show_id, role, billing_order
