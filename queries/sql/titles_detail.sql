-- titles_detail: one row (or none), every column of one Netflix title.
select * from titles where show_id = $show_id::varchar
