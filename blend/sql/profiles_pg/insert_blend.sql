insert into blends (blend_id, created_at) values (%(blend_id)s, %(created_at)s)
