-- joiners of one blend queue here, so two can never both take its last place
select blend_id from blends where blend_id = %(blend_id)s for update
