-- one row per Netflix title × person × role (director/actor), in billing order
select show_id, person_name, role, position from staging.src_netflix_title_people
