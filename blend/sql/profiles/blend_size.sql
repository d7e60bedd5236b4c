select count(*) from blend_members where blend_id = $blend_id
