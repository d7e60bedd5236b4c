select count(*) from blends where blend_id = $blend_id
