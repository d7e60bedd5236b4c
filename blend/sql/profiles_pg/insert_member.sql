insert into blend_members (blend_id, profile_id, joined_at)
values (%(blend_id)s, %(profile_id)s, %(joined_at)s)
