insert into blends values ($blend_id, $created_at)
