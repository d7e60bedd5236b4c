-- titles_people: one row per director or cast member of one title, directors first,
-- each role in billing order.
select person_name, role, billing_order
from title_people
where show_id = $show_id::varchar
order by role = 'actor', billing_order, person_name
