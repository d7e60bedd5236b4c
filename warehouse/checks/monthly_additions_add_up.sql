-- monthly_totals must equal the distinct titles added per month and kind: the dense
-- grid may add zeros but never lose or invent additions.
with expected as (
    select month_added as month, kind, count(*) as titles_added
    from titles where month_added is not null group by all
)
select e.month, e.kind, e.titles_added, t.titles_added as in_mart
from expected as e
left join monthly_totals as t using (month, kind)
where t.titles_added is distinct from e.titles_added
